package prefdyn.cli.command;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prefdyn.cli.run.RunDirectory;
import prefdyn.datasets.ImdbBpe;
import prefdyn.datasets.PairFile;
import prefdyn.reference.checkpoint.Checkpoint;
import prefdyn.reference.checkpoint.LoadedCheckpoint;
import prefdyn.reference.tokenizer.BpeTokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

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
    void sftWritesALoadableCheckpointWithItsTokenizerAndCurveAndForceKeepsOtherFiles() throws IOException {
        Path out = dir.resolve("sft");
        String[] small = {"sft", "--n-embd", "16", "--n-layer", "1", "--n-head", "2", "--n-positions", "16",
            "--steps", "2", "--warmup", "1", "--batch", "1", "--eval-every", "1", "--heldout", "2", "--out",
            out.toString(), "--quiet"};
        Cli.Result result = Cli.run(small);
        assertThat(result.code()).as(result.err()).isZero();
        LoadedCheckpoint loaded = Checkpoint.load(out);
        assertThat(loaded.config().channels()).isEqualTo(16);
        assertThat(loaded.tokenizer().name()).isEqualTo(BpeTokenizer.NAME);
        assertThat(loaded.config().vocabSize()).isEqualTo(ImdbBpe.VOCAB_SIZE);
        Map<String, Object> training = RunDirectory.readJson(out.resolve("training.json"));
        assertThat((List<?>) training.get("curve")).hasSize(3);                 // steps 0, 1 and 2
        assertThat((List<?>) training.get("samples")).hasSize(5);
        assertThat(out.resolve("resume")).doesNotExist();                      // a finished run keeps no resume point
        CliParsingTest.assertUserError(Cli.run(small), 1, "--force");

        Files.writeString(out.resolve("notes.txt"), "mine\n");
        String[] forced = java.util.Arrays.copyOf(small, small.length + 1);
        forced[small.length] = "--force";
        assertThat(Cli.run(forced).code()).isZero();
        assertThat(out.resolve("notes.txt")).hasContent("mine");
    }
}
