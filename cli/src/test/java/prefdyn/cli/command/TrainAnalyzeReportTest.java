package prefdyn.cli.command;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prefdyn.accelerated.kernels.OpenClDevices;
import prefdyn.cli.experiment.Experiment;
import prefdyn.cli.report.Plots;
import prefdyn.cli.report.Report;
import prefdyn.cli.run.RunConfig;
import prefdyn.cli.run.RunDirectory;
import prefdyn.reference.checkpoint.Checkpoint;
import prefdyn.reference.dynamics.FinalResponses;
import prefdyn.reference.dynamics.GradientAlignment;
import prefdyn.reference.util.JsonFiles;
import prefdyn.reference.util.Parallel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code train}, then {@code analyze} (which must reproduce the trained run bit for bit), then {@code report}. */
class TrainAnalyzeReportTest {

    @TempDir
    Path dir;

    private static final String[] SMALL_ANALYSIS = {"--measure-every", "2", "--final-prompts", "2", "--final-tokens",
            "6", "--probe-prompts", "2", "--probe-tokens", "6", "--probe-pairs", "3", "--eval-prompts", "4",
            "--eval-tokens", "6"};

    @Test
    void dpoOnAUserPairFile() throws IOException {
        Path checkpoint = Cli.smallCheckpoint(dir.resolve("model"));
        Path pairs = Cli.pairFile(dir.resolve("pairs.jsonl"));
        Path run = dir.resolve("run");
        Cli.Result trained = Cli.run(concat(new String[] {"train", "--objective", "dpo", "--variant", "negative-only",
                "--checkpoint", checkpoint.toString(), "--pairs", pairs.toString(), "--heldout-pairs",
                pairs.toString(), "--steps", "4", "--batch", "2", "--lr", "1e-3", "--out", run.toString(),
                "--checkpoint-every", "2", "--quiet"}, SMALL_ANALYSIS));
        assertThat(trained.code()).as(trained.err()).isZero();
        assertThat(trained.out()).contains("next: prefdyn analyze");
        assertThat(run.resolve(RunDirectory.MARKER)).doesNotExist();
        assertThat(Files.readAllLines(run.resolve("metrics.jsonl"))).hasSize(4);
        for (String step : List.of("step-0000000", "step-0000002", "step-0000004")) {
            assertThat(run.resolve("checkpoints").resolve(step).resolve(Checkpoint.MODEL_FILE)).isNotEmptyFile();
        }
        Map<String, Object> config = RunDirectory.readJson(run.resolve("config.json"));
        assertThat(config).containsEntry("objective", "dpo").containsEntry("variant", "negative-only")
                .containsEntry("seed", 1L).containsKey("prefdyn_version").containsEntry("g_passes", "every");

        Cli.Result analyzed = Cli.run("analyze", run.toString(), "--quiet");
        assertThat(analyzed.code()).as(analyzed.err()).isZero();
        List<String> dynamics = Files.readAllLines(run.resolve("dynamics.jsonl"));
        assertThat(dynamics).hasSize(3);
        Map<String, Object> first = JsonFiles.parseObject(dynamics.get(0));
        assertThat(first.get("step")).isEqualTo(0L);
        assertThat((double) first.get("G/positive")).as("negative-only has no positive learning").isZero();
        assertThat(first).containsKeys("train/logps/chosen", "heldout/logps/chosen", "samples/kl", "target/nll");
        assertThat(FinalResponses.load(run.resolve("final_responses.jsonl"))).hasSize(2);
        assertThat(run.resolve("evaluation.json")).isNotEmptyFile();
        assertThat(run.resolve(RunDirectory.MARKER)).doesNotExist();

        Cli.Result reported = Cli.run("report", run.toString());
        assertThat(reported.code()).as(reported.err()).isZero();
        String html = Files.readString(run.resolve("report.html"));
        for (String section : Report.SECTIONS) {
            assertThat(html).contains("<section id=\"" + section + "\">");
        }
        DemoReportTest.assertRealPicture(run.resolve("plots/g-dpo-negative-only.png"), Plots.WIDTH, Plots.HEIGHT);
    }

    @Test
    void analyzeRefusesARunWhoseDataChanged() throws IOException {
        Path checkpoint = Cli.smallCheckpoint(dir.resolve("model"));
        Path pairs = Cli.pairFile(dir.resolve("pairs.jsonl"));
        Path run = dir.resolve("run");
        Cli.Result trained = Cli.run(concat(new String[] {"train", "--checkpoint", checkpoint.toString(), "--pairs",
                pairs.toString(), "--steps", "2", "--batch", "2", "--lr", "1e-2", "--out", run.toString(), "--quiet"},
                SMALL_ANALYSIS));
        assertThat(trained.code()).as(trained.err()).isZero();
        Files.writeString(pairs, Files.readString(pairs).replace("wonderful", "marvellous"));
        Cli.Result analyzed = Cli.run("analyze", run.toString(), "--quiet");
        CliParsingTest.assertUserError(analyzed, 1, "does not reproduce the trained run");
    }

    @Test
    void ppoTrainsAndAnalyzes() throws IOException {
        Path checkpoint = Cli.smallCheckpoint(dir.resolve("model"));
        Path run = dir.resolve("ppo");
        Cli.Result trained = Cli.run(concat(new String[] {"train", "--objective", "ppo", "--variant", "top-tertile",
                "--checkpoint", checkpoint.toString(), "--steps", "2", "--batch", "2", "--ppo-epochs", "1",
                "--ppo-minibatches", "1", "--response-tokens", "6", "--prompts", "4", "--out", run.toString(),
                "--g-passes", "linear", "--quiet"}, SMALL_ANALYSIS));
        assertThat(trained.code()).as(trained.err()).isZero();
        assertThat(RunDirectory.readJson(run.resolve("config.json"))).containsEntry("g_passes", "linear");
        Cli.Result analyzed = Cli.run("analyze", run.toString(), "--quiet");
        assertThat(analyzed.code()).as(analyzed.err()).isZero();
        List<String> dynamics = Files.readAllLines(run.resolve("dynamics.jsonl"));
        assertThat(dynamics).hasSize(2);
        assertThat(JsonFiles.parseObject(dynamics.get(0))).containsKeys("G/total", "G/tertile/top", "samples/reward");
        // analyze measured G as the run's config.json says
        RunConfig config = RunConfig.fromJson(RunDirectory.readJson(run.resolve("config.json")), "config.json");
        try (Parallel parallel = new Parallel(1); Experiment experiment = new Experiment(config, run, parallel)) {
            assertThat(experiment.dynamicsSettings().passes())
                    .isEqualTo(GradientAlignment.ComponentPasses.BY_LINEARITY);
        }
    }

    @Test
    void anSftRunTrainsButHasNoDynamics() throws IOException {
        Path checkpoint = Cli.smallCheckpoint(dir.resolve("model"));
        Path run = dir.resolve("sft");
        Cli.Result trained = Cli.run("train", "--objective", "sft", "--checkpoint", checkpoint.toString(), "--steps",
                "2", "--batch", "2", "--out", run.toString(), "--quiet");
        assertThat(trained.code()).as(trained.err()).isZero();
        assertThat(Files.readAllLines(run.resolve("metrics.jsonl"))).hasSize(2);
        CliParsingTest.assertUserError(Cli.run("analyze", run.toString()), 1, "SFT run");
    }

    @Test
    void trainingAgainIntoAFinishedRunNeedsForce() throws IOException {
        Path checkpoint = Cli.smallCheckpoint(dir.resolve("model"));
        Path pairs = Cli.pairFile(dir.resolve("pairs.jsonl"));
        Path run = dir.resolve("run");
        String[] args = {"train", "--checkpoint", checkpoint.toString(), "--pairs", pairs.toString(), "--steps", "1",
                "--batch", "2", "--out", run.toString(), "--quiet"};
        assertThat(Cli.run(args).code()).isZero();
        CliParsingTest.assertUserError(Cli.run(args), 1, "already holds a finished run");
        assertThat(Cli.run(concat(args, new String[] {"--force"})).code()).isZero();
    }

    @Test
    void theAcceleratedEngineTrainsAndReplaysLikeTheReference() throws IOException {
        Assumptions.assumeTrue(OpenClDevices.available(),
                "skipped: no OpenCL device (apt-get install pocl-opencl-icd gives one on the CPU)");
        Path checkpoint = Cli.smallCheckpoint(dir.resolve("model"));
        Path pairs = Cli.pairFile(dir.resolve("pairs.jsonl"));
        double[][] g = new double[2][];
        String[] engines = {"reference", "accelerated"};
        for (int e = 0; e < 2; e++) {
            Path run = dir.resolve(engines[e]);
            Cli.Result trained = Cli.run(concat(new String[] {"train", "--engine", engines[e], "--checkpoint",
                    checkpoint.toString(), "--pairs", pairs.toString(), "--steps", "4", "--batch", "2", "--lr", "1e-3",
                    "--out", run.toString(), "--quiet"}, SMALL_ANALYSIS));
            assertThat(trained.code()).as(trained.err()).isZero();
            Cli.Result analyzed = Cli.run("analyze", run.toString(), "--quiet");
            assertThat(analyzed.code()).as("pass 1 reproduces the trained run on the %s engine: %s", engines[e],
                    analyzed.err()).isZero();
            List<String> lines = Files.readAllLines(run.resolve("dynamics.jsonl"));
            g[e] = lines.stream().mapToDouble(line -> (double) JsonFiles.parseObject(line).get("G/total")).toArray();
        }
        assertThat(g[1]).hasSameSizeAs(g[0]);
        for (int i = 0; i < g[0].length; i++) {
            // float32 twin vs float64 reference: the same G up to float32 rounding through a few training steps
            assertThat(g[1][i]).isCloseTo(g[0][i], org.assertj.core.api.Assertions.within(1e-2 * Math.abs(g[0][i]) + 1e-3));
        }
    }

    static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
