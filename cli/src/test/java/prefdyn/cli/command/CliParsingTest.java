package prefdyn.cli.command;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import prefdyn.accelerated.kernels.OpenClDevices;
import prefdyn.cli.Main;
import prefdyn.cli.run.RunDirectory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Every command parses, shows help, and answers each user error with one line and a non-zero exit code. */
class CliParsingTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"", "demo", "train", "analyze", "report", "generate", "pairs", "sft", "bench", "grad", "reproduce"})
    void helpWorksOnEveryCommand(String command) {
        java.io.PrintStream systemErr = System.err;
        java.io.ByteArrayOutputStream warnings = new java.io.ByteArrayOutputStream();
        Cli.Result result;
        System.setErr(new java.io.PrintStream(warnings, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            result = command.isEmpty() ? Cli.run("--help") : Cli.run(command, "--help");
        } finally {
            System.setErr(systemErr);
        }
        assertThat(result.code()).isZero();
        assertThat(result.out()).contains("Usage:").contains("--help");
        assertThat(result.err()).isEmpty();
        assertThat(warnings.toString(java.nio.charset.StandardCharsets.UTF_8)).as("picocli's own warnings").isEmpty();
    }

    @Test
    void versionPrintsTheProjectVersion() {
        Cli.Result result = Cli.run("--version");
        assertThat(result.code()).isZero();
        assertThat(result.out()).startsWith("prefdyn ");
    }

    @Test
    void noCommandIsAUsageError() {
        assertUserError(Cli.run(), Main.EXIT_USAGE, "missing command");
    }

    @Test
    void unknownCommandAndOptionAreUsageErrors() {
        assertUserError(Cli.run("fly"), Main.EXIT_USAGE, "fly");
        assertUserError(Cli.run("demo", "--bogus"), Main.EXIT_USAGE, "--bogus");
    }

    @Test
    void badNumbersAreUsageErrorsNamingTheOption() {
        assertUserError(Cli.run("train", "--beta", "abc", "--out", dir.resolve("r").toString()), Main.EXIT_USAGE,
                "--beta");
        assertUserError(Cli.run("bench", "--repeats", "x"), Main.EXIT_USAGE, "--repeats");
        assertUserError(Cli.run("grad", "--checkpoint", "c", "--pairs", "p", "--out", "o", "--max-pairs", "1.5"),
                Main.EXIT_USAGE, "--max-pairs");
    }

    @Test
    void missingRequiredOptionsAreUsageErrors() {
        assertUserError(Cli.run("grad"), Main.EXIT_USAGE, "--checkpoint");
        assertUserError(Cli.run("train"), Main.EXIT_USAGE, "--out");
        assertUserError(Cli.run("sft"), Main.EXIT_USAGE, "--out");
        assertUserError(Cli.run("analyze"), Main.EXIT_USAGE, "RUN_DIR");
    }

    @Test
    void badValuesAreOneLineUserErrors() throws IOException {
        Path out = dir.resolve("run").toAbsolutePath();
        assertUserError(Cli.run("train", "--objective", "rlhf", "--out", out.toString()), 1, "unknown objective 'rlhf'");
        assertUserError(Cli.run("train", "--variant", "sideways", "--out", out.toString()), 1,
                "unknown dpo variant 'sideways'");
        assertUserError(Cli.run("train", "--loss-type", "cubic", "--out", out.toString()), 1, "--loss-type");
        assertUserError(Cli.run("train", "--steps", "0", "--out", out.toString()), 1, "--steps must be at least 1");
        assertUserError(Cli.run("train", "--objective", "ppo", "--batch", "1", "--out", out.toString()), 1,
                "at least 2 for PPO");
        assertUserError(Cli.run("train", "--engine", "quantum", "--out", out.toString()), 1, "unknown engine");
        assertUserError(Cli.run("train", "--g-passes", "fast", "--out", out.toString()), 1,
                "unknown --g-passes 'fast'; expected every or linear");
        assertUserError(Cli.run("demo", "--g-passes", "Linear", "--out", out.toString()), 1, "unknown --g-passes");
        assertUserError(Cli.run("reproduce", "--g-passes", "4", "--out", out.toString()), 1, "unknown --g-passes");
        assertUserError(Cli.run("demo", "--size", "huge", "--out", out.toString()), 1, "unknown --size 'huge'");
        assertUserError(Cli.run("demo", "--runs", "dpo/sideways", "--out", out.toString()), 1, "dpo/sideways");
        assertUserError(Cli.run("demo", "--jobs", "0", "--out", out.toString()), 1, "--jobs");
        assertUserError(Cli.run("grad", "--checkpoint", "c", "--pairs", Cli.pairFile(dir.resolve("p.jsonl")).toString(),
                "--out", "o", "--objective", "ppo"), 1, "only dpo");
        assertUserError(Cli.run("grad", "--checkpoint", "c", "--pairs", dir.resolve("p.jsonl").toString(), "--out", "o",
                "--beta", "-1"), 1, "--beta must be positive");
        assertUserError(Cli.run("sft", "--steps", "0", "--out", out.toString()), 1, "--steps");
        assertUserError(Cli.run("generate", "--checkpoint", "c"), 1, "no prompt");
        assertUserError(Cli.run("generate", "--prompt", "x", "--temperature", "-1"), 1, "--temperature");
        assertUserError(Cli.run("pairs"), 1, "nothing to write");
        assertUserError(Cli.run("train", "--out", out.toString(), "--checkpoint", "nowhere"), 1,
                "checkpoint directory nowhere does not exist");
        assertThat(Files.exists(out)).as("no run directory is created for an invalid command").isFalse();
    }

    @Test
    void withoutOpenClTheAcceleratedEngineSaysWhatToInstall() {
        Assumptions.assumeFalse(OpenClDevices.available(), "skipped: this machine has an OpenCL device");
        assertUserError(Cli.run("demo", "--engine", "accelerated", "--out", dir.resolve("d").toString()), 1,
                "needs an OpenCL device");
        assertUserError(Cli.run("bench", "--engine", "accelerated"), 1, "needs an OpenCL device");
        assertUserError(Cli.run("train", "--engine", "accelerated", "--out", dir.resolve("t").toString()), 1,
                "needs an OpenCL device");
        assertThat(dir.resolve("d")).doesNotExist();
    }

    @Test
    void missingFilesAreNamed() {
        Path missing = dir.resolve("missing.jsonl");
        assertUserError(Cli.run("train", "--pairs", missing.toString(), "--out", dir.resolve("r").toString()), 1,
                "missing.jsonl does not exist");
        assertUserError(Cli.run("grad", "--checkpoint", dir.resolve("nowhere").toString(), "--pairs",
                missing.toString(), "--out", dir.resolve("g.safetensors").toString()), 1, "does not exist");
        assertUserError(Cli.run("analyze", dir.resolve("no-run").toString()), 1, "does not exist");
        assertUserError(Cli.run("report", dir.toString()), 1, "holds no run");
        assertUserError(Cli.run("generate", "--prompts-file", missing.toString()), 1, "does not exist");
    }

    @Test
    void aMissingCheckpointIsNamed() throws IOException {
        Path pairs = Cli.pairFile(dir.resolve("pairs.jsonl"));
        assertUserError(Cli.run("grad", "--checkpoint", dir.resolve("nowhere").toString(), "--pairs", pairs.toString(),
                "--out", dir.resolve("g.safetensors").toString()), 1, "checkpoint directory");
    }

    @Test
    void malformedJsonlGivesFileAndLine() throws IOException {
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, """
                {"prompt": "a", "chosen": " b", "rejected": " c"}
                {"prompt": "a", "chosen": " b"}
                """);
        Cli.Result result = Cli.run("train", "--pairs", bad.toString(), "--out", dir.resolve("r").toString());
        assertUserError(result, 1, "bad.jsonl:2:");
        assertThat(result.err()).contains("rejected");
    }

    @Test
    void verboseShowsTheDetails() {
        Cli.Result result = Cli.run("train", "--pairs", dir.resolve("missing.jsonl").toString(), "--out",
                dir.resolve("r").toString(), "--verbose");
        assertThat(result.code()).isEqualTo(1);
        assertThat(result.errorLines().size()).isGreaterThan(1);
        assertThat(result.err()).contains("UserError").contains("\tat ");
    }

    @Test
    void theStudySizeParsesForDemoAndReproduce() {
        // The demo gets past --size study to the next setting's check (no training starts).
        assertUserError(Cli.run("demo", "--size", "study", "--runs", "dpo/sideways", "--out",
                dir.resolve("study-demo").toString()), 1, "unknown run 'dpo/sideways'");
        // A plan of a study reproduction prepares <out> and prints its seeds' lines, without training.
        Path out = dir.resolve("study-reproduce").toAbsolutePath();
        Cli.Result plan = Cli.run("reproduce", "--plan", "--size", "study", "--seeds", "2", "--out", out.toString());
        assertThat(plan.code()).as(plan.err()).isZero();
        assertThat(plan.out().lines().toList()).hasSize(2).allSatisfy(line -> assertThat(line)
                .contains(" --size study ").contains(" --checkpoint committed-start "));
        assertThat(RunDirectory.readJson(out.resolve("config.json"))).containsEntry("size", "study");
    }

    @Test
    void anInterruptedRunDirectoryAsksForForce() throws IOException {
        Path run = dir.resolve("demo");
        Files.createDirectories(run);
        Files.writeString(run.resolve(RunDirectory.MARKER), "{\"command\":\"prefdyn demo\",\"started\":\"then\","
                + "\"arguments\":\"prefdyn demo --out X\"}\n");
        Files.writeString(run.resolve(RunDirectory.MANIFEST), "{\"format\":\"prefdyn-run\",\"version\":1}\n");
        Files.writeString(run.resolve("config.json"), "{}\n");
        Cli.Result result = Cli.run("demo", "--size", "tiny", "--out", run.toString());
        assertUserError(result, 1, "interrupted run");
        assertThat(result.err()).contains("--force").contains("`prefdyn demo --out X --resume`");

        Path full = dir.resolve("full");
        Files.createDirectories(full);
        Files.writeString(full.resolve("notes.txt"), "mine");
        assertUserError(Cli.run("demo", "--size", "tiny", "--out", full.toString()), 1, "is not empty");
        assertUserError(Cli.run("demo", "--size", "tiny", "--out", full.toString(), "--force"), 1,
                "not a prefdyn run directory");
        assertThat(full.resolve("notes.txt")).exists();
    }

    /** One line on stderr holding {@code fragment}, the given exit code, and no stack trace. */
    static void assertUserError(Cli.Result result, int code, String fragment) {
        assertThat(result.code()).as("exit code; stderr: %s", result.err()).isEqualTo(code);
        assertThat(result.errorLines()).as("stderr: %s", result.err()).hasSize(1);
        assertThat(result.err()).contains(fragment).doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(result.err()).startsWith("prefdyn");
    }
}
