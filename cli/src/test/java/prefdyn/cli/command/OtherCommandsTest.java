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
        CliParsingTest.assertUserError(Cli.run(args), 1, "already exists; pass --force");
        Cli.Result again = Cli.run(concat(args, "--force"));
        assertThat(again.out()).isEqualTo(first.out());
    }

    @Test
    void generatePrintsTheWordCoverageOfItsContinuations() throws IOException {
        Path checkpoint = Cli.smallCheckpoint(dir.resolve("model"));
        Path out = dir.resolve("gen.jsonl");
        Cli.Result result = Cli.run("generate", "--checkpoint", checkpoint.toString(), "--prompt", "This movie",
                "--prompt", "The acting", "--max-tokens", "24", "--seed", "5", "--word-coverage", "--out",
                out.toString(), "--quiet");
        assertThat(result.code()).as(result.err()).isZero();
        java.util.List<String> continuations = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(out)) {
            continuations.add((String) ((java.util.Map<?, ?>) prefdyn.reference.util.JsonFiles.parse(line))
                    .get("continuation"));
        }
        java.util.List<String> halfA = new java.util.ArrayList<>();
        for (prefdyn.datasets.Review review : prefdyn.cli.task.ImdbTask.get().split().halfA()) {
            halfA.add(review.text());
        }
        prefdyn.datasets.startmodel.WordCoverage.Coverage expected = prefdyn.datasets.startmodel.WordCoverage.of(
                continuations, prefdyn.datasets.startmodel.WordCoverage.vocabulary(halfA));
        assertThat(expected.words()).isPositive();
        assertThat(result.out()).contains(String.format(java.util.Locale.ROOT,
                "word coverage: %d of %d letter-only words (%.1f%%) of 2 continuations occur in the words of IMDb "
                        + "half A (sample: %d reviews)", expected.known(), expected.words(),
                100 * expected.fraction(), halfA.size()));

        CliParsingTest.assertUserError(Cli.run("generate", "--checkpoint", checkpoint.toString(), "--prompt", "A",
                "--word-coverage", "full", "--data", dir.resolve("absent").toString()), 1,
                "--word-coverage full needs the raw IMDb package");
        CliParsingTest.assertUserError(Cli.run("generate", "--checkpoint", checkpoint.toString(), "--prompt", "A",
                "--word-coverage", "most"), 1, "--word-coverage must be sample or full, got 'most'");
    }

    private static String[] concat(String[] args, String... more) {
        String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
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
