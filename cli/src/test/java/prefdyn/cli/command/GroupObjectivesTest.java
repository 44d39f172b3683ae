package prefdyn.cli.command;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prefdyn.cli.report.Plots;
import prefdyn.cli.run.RunConfig;
import prefdyn.cli.run.RunDirectory;
import prefdyn.reference.util.JsonFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code train --objective grpo|rloo} end to end on the small model: two steps with TRL's metric names in
 * {@code metrics.jsonl}, the group settings in {@code config.json}, {@code analyze} replaying the run bit for bit
 * (it refuses a replay whose θ(T) differs from the trained final checkpoint) and G split by the sign of Â,
 * {@code report}'s group section; and every bad group setting as a one-line error before anything is written.
 */
class GroupObjectivesTest {

    @TempDir
    Path dir;

    private static final String[] SMALL_ANALYSIS = {"--measure-every", "1", "--final-prompts", "2", "--final-tokens",
            "6", "--probe-prompts", "2", "--probe-tokens", "6", "--eval-prompts", "4", "--eval-tokens", "6"};

    /** TRL's GRPOTrainer / RLOOTrainer log names (trl/trainer/grpo_trainer.py, rloo_trainer.py, `_metrics`). */
    private static final List<String> TRL_NAMES = List.of("reward", "reward_std", "frac_reward_zero_std", "kl",
            "entropy", "clip_ratio/low_mean", "clip_ratio/high_mean", "clip_ratio/region_mean",
            "completions/mean_length", "completions/min_length", "completions/max_length",
            "completions/clipped_ratio", "loss", "grad_norm", "learning_rate");

    @Test
    void grpoTrainsWithTrlMetricNamesAndAnalyzeReplaysIt() throws IOException {
        Path run = trainAndAnalyze("grpo", "negative-only", "--num-generations", "2", "--grpo-loss-type", "dr_grpo",
                "--scale-rewards", "none", "--kl-beta", "0.04", "--epsilon-high", "0.28");
        Map<String, Object> config = RunDirectory.readJson(run.resolve("config.json"));
        assertThat(config).containsEntry("objective", "grpo").containsEntry("num_generations", 2L)
                .containsEntry("grpo_loss_type", "dr_grpo").containsEntry("scale_rewards", "none")
                .containsEntry("kl_beta", 0.04).containsEntry("epsilon", 0.2).containsEntry("epsilon_high", 0.28)
                .containsEntry("num_iterations", 1L).containsEntry("adaptive_clipping", false)
                .doesNotContainKey("normalize_advantages");
        Map<String, Object> first = JsonFiles.parseObject(Files.readAllLines(run.resolve("dynamics.jsonl")).get(0));
        assertThat((double) first.get("G/positive")).as("negative-only has no positive learning").isZero();
        assertThat(config).containsKey("component_norms");
        String html = report(run);
        assertThat(html).contains("dr_grpo, scale none");
        DemoReportTest.assertRealPicture(run.resolve("plots/group-grpo-negative-only.png"), Plots.WIDTH, Plots.HEIGHT);
    }

    @Test
    void rlooTrainsWithTrlMetricNamesAndAnalyzeReplaysIt() throws IOException {
        Path run = trainAndAnalyze("rloo", "standard", "--normalize-advantages", "--adaptive-clipping",
                "--num-iterations", "2");
        Map<String, Object> config = RunDirectory.readJson(run.resolve("config.json"));
        assertThat(config).containsEntry("objective", "rloo").containsEntry("num_generations", 2L)
                .containsEntry("kl_beta", 0.05).containsEntry("normalize_advantages", true)
                .containsEntry("adaptive_clipping", true).containsEntry("num_iterations", 2L)
                .doesNotContainKeys("grpo_loss_type", "scale_rewards");
        Map<String, Object> first = JsonFiles.parseObject(Files.readAllLines(run.resolve("dynamics.jsonl")).get(0));
        double scale = Math.max(Math.abs((double) first.get("G/positive")), Math.abs((double) first.get("G/negative")));
        assertThat((double) first.get("G/positive") + (double) first.get("G/negative"))
                .isCloseTo((double) first.get("G/total"), org.assertj.core.api.Assertions.within(1e-10 * scale));
        assertThat(report(run)).contains("BAPO adaptive").contains("sequence-level, normalized");
    }

    private Path trainAndAnalyze(String objective, String variant, String... extra) throws IOException {
        Path checkpoint = Cli.smallCheckpoint(dir.resolve("model"));
        Path run = dir.resolve(objective);
        String[] base = {"train", "--objective", objective, "--variant", variant, "--checkpoint",
                checkpoint.toString(), "--steps", "2", "--batch", "4", "--response-tokens", "6", "--prompts", "4",
                "--lr", "1e-3", "--out", run.toString(), "--quiet"};
        Cli.Result trained = Cli.run(concat(concat(base, extra), SMALL_ANALYSIS));
        assertThat(trained.code()).as(trained.err()).isZero();
        List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
        assertThat(lines).hasSize(2);
        for (String line : lines) {
            Map<String, Object> metrics = JsonFiles.parseObject(line);
            assertThat(metrics.keySet()).as(objective).containsAll(TRL_NAMES);
            assertThat(metrics).as("one backward pass: no component norms").doesNotContainKey("grad_norm/positive");
            assertThat((double) metrics.get("completions/max_length")).isLessThanOrEqualTo(6);
        }
        RunConfig config = RunConfig.fromJson(RunDirectory.readJson(run.resolve("config.json")), "config.json");
        assertThat(config.objective().cliName()).isEqualTo(objective);
        assertThat(JsonFiles.parseObject(JsonFiles.write(config.toJson(1)))).containsAllEntriesOf(
                withoutVolatile(RunDirectory.readJson(run.resolve("config.json"))));

        Cli.Result analyzed = Cli.run("analyze", run.toString(), "--quiet");
        assertThat(analyzed.code()).as(analyzed.err()).isZero();
        List<String> dynamics = Files.readAllLines(run.resolve("dynamics.jsonl"));
        assertThat(dynamics).hasSize(3);
        assertThat(JsonFiles.parseObject(dynamics.get(0))).containsKeys("G/total", "G/positive", "G/negative",
                "G/tertile/top", "samples/reward");
        return run;
    }

    private static Map<String, Object> withoutVolatile(Map<String, Object> json) {
        Map<String, Object> copy = new java.util.LinkedHashMap<>(json);
        copy.remove("threads");
        copy.remove("pair_data");
        return copy;
    }

    private static String report(Path run) throws IOException {
        Cli.Result reported = Cli.run("report", run.toString());
        assertThat(reported.code()).as(reported.err()).isZero();
        String html = Files.readString(run.resolve("report.html"));
        int group = html.indexOf("<section id=\"group\">");
        assertThat(group).isNotNegative();
        String section = html.substring(group, html.indexOf("</section>", group));
        assertThat(section).doesNotContain("No GRPO or RLOO run").contains("frac_reward_zero_std");
        return section;
    }

    /** {@code reproduce} (and so the demo) runs the group objectives at the demo's sizes, and reports them. */
    @Test
    void reproduceIncludesGrpoAndRloo() throws IOException {
        Path out = dir.resolve("reproduce");
        Cli.Result result = Cli.run("reproduce", "--size", "tiny", "--seeds", "2", "--runs",
                "dpo/standard,grpo/standard,rloo/standard", "--out", out.toString(), "--jobs", "2", "--quiet");
        assertThat(result.code()).as(result.err()).isZero();
        assertThat(out.resolve("findings.md")).isNotEmptyFile();
        for (String seed : List.of("seed-1", "seed-2")) {
            for (String run : List.of("grpo-standard", "rloo-standard")) {
                Path runDirectory = out.resolve(seed).resolve("runs").resolve(run);
                Map<String, Object> config = RunDirectory.readJson(runDirectory.resolve("config.json"));
                assertThat(config).containsEntry("num_generations", 2L).containsEntry("batch", 4L);
                assertThat(Files.readAllLines(runDirectory.resolve("metrics.jsonl"))).hasSize(3);
                assertThat(Files.readAllLines(runDirectory.resolve("dynamics.jsonl"))).hasSize(3);
            }
            String html = Files.readString(out.resolve(seed).resolve("report.html"));
            String section = html.substring(html.indexOf("<section id=\"group\">"));
            section = section.substring(0, section.indexOf("</section>"));
            assertThat(section).contains("grpo/standard").contains("rloo/standard");
        }
    }

    @Test
    void badGroupSettingsAreOneLineErrors() {
        Path out = dir.resolve("never");
        String o = out.toString();
        CliParsingTest.assertUserError(Cli.run("train", "--objective", "grpo", "--num-generations", "1", "--out", o),
                1, "--num-generations must be at least 2, got 1");
        CliParsingTest.assertUserError(Cli.run("train", "--objective", "rloo", "--kl-beta", "-0.1", "--out", o), 1,
                "--kl-beta must be finite and >= 0, got -0.1");
        CliParsingTest.assertUserError(Cli.run("train", "--objective", "grpo", "--grpo-loss-type", "bnpo", "--out",
                o), 1, "unknown --grpo-loss-type 'bnpo'; expected grpo, dr_grpo or dapo");
        CliParsingTest.assertUserError(Cli.run("train", "--objective", "grpo", "--scale-rewards", "tokens", "--out",
                o), 1, "unknown --scale-rewards 'tokens'");
        CliParsingTest.assertUserError(Cli.run("train", "--objective", "grpo", "--num-generations", "4", "--batch",
                "6", "--out", o), 1, "--batch 6 (completions per step) is not a positive multiple of "
                + "--num-generations 4");
        CliParsingTest.assertUserError(Cli.run("train", "--objective", "rloo", "--batch", "8", "--num-generations",
                "3", "--out", o), 1, "not a positive multiple of --num-generations 3");
        CliParsingTest.assertUserError(Cli.run("train", "--objective", "grpo", "--epsilon", "1.5", "--out", o), 1,
                "--epsilon must be in (0, 1)");
        CliParsingTest.assertUserError(Cli.run("train", "--objective", "grpo", "--num-iterations", "0", "--out", o),
                1, "--num-iterations must be at least 1");
        CliParsingTest.assertUserError(Cli.run("train", "--objective", "grpo", "--variant", "hard-switch", "--out",
                o), 1, "unknown grpo variant 'hard-switch'");
        CliParsingTest.assertUserError(Cli.run("train", "--objective", "rloo", "--grpo-loss-type", "dapo", "--out",
                o), 1, "--grpo-loss-type does not apply to --objective rloo");
        CliParsingTest.assertUserError(Cli.run("train", "--objective", "ppo", "--num-generations", "4", "--out", o),
                1, "--num-generations does not apply to --objective ppo");
        CliParsingTest.assertUserError(Cli.run("train", "--objective", "grpo", "--normalize-advantages", "--out", o),
                1, "--normalize-advantages does not apply to --objective grpo");
        CliParsingTest.assertUserError(Cli.run("demo", "--runs", "grpo/sideways", "--out", o), 1, "grpo/sideways");
        assertThat(out).doesNotExist();
    }

    static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
