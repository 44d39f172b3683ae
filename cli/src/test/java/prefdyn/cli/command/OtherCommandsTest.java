package prefdyn.cli.command;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prefdyn.cli.run.RunDirectory;
import prefdyn.datasets.PairFile;
import prefdyn.reference.checkpoint.Checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** generate, pairs and sft at tiny sizes (bench: BenchCommandTest). */
class OtherCommandsTest {

    @TempDir
    Path dir;

    @Test
    void generateContinuesPromptsDeterministically() throws IOException {
        Path checkpoint = Cli.smallCheckpoint(dir.resolve("model"));
        String[] args = {"generate", "--checkpoint", checkpoint.toString(), "--prompt", "This movie", "--prompt",
                "I liked", "--max-tokens", "5", "--seed", "3", "--out", dir.resolve("gen.jsonl").toString()};
        Cli.Result first = Cli.run(args);
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("This movie|").contains("I liked|").contains("judge");
        assertThat(Files.readAllLines(dir.resolve("gen.jsonl"))).hasSize(2);
        assertThat(Cli.run(args).out()).isEqualTo(first.out());
    }

    @Test
    void pairsWritesOnPolicyAndHumanPairs() throws IOException {
        Path checkpoint = Cli.smallCheckpoint(dir.resolve("model"));
        Path onPolicy = dir.resolve("on-policy.jsonl");
        Path human = dir.resolve("human.jsonl");
        Cli.Result result = Cli.run("pairs", "--checkpoint", checkpoint.toString(), "--prompts", "3", "--candidates",
                "2", "--on-policy", onPolicy.toString(), "--human", human.toString(), "--quiet");
        assertThat(result.code()).as(result.err()).isZero();
        assertThat(PairFile.read(onPolicy)).isNotEmpty().hasSizeLessThanOrEqualTo(3);
        assertThat(PairFile.read(human)).hasSize(130);
    }

    @Test
    void sftWritesALoadableCheckpoint() throws IOException {
        Path out = dir.resolve("sft");
        Cli.Result result = Cli.run("sft", "--steps", "2", "--batch", "1", "--out", out.toString(), "--quiet");
        assertThat(result.code()).as(result.err()).isZero();
        assertThat(Checkpoint.load(out).config().channels()).isEqualTo(64);
        assertThat(RunDirectory.readJson(out.resolve("training.json"))).containsEntry("steps", 2L);
        CliParsingTest.assertUserError(Cli.run("sft", "--steps", "1", "--out", out.toString()), 1, "--force");
    }
}
