package prefdyn.cli.command;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prefdyn.cli.run.RunConfig;
import prefdyn.cli.run.RunDirectory;
import prefdyn.reference.checkpoint.SafeTensors;
import prefdyn.reference.util.JsonFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The balancing options on the command line: {@code train --loss-type bpo --bpo-alpha} (BPO's balanced margin,
 * arXiv 2506.03557), {@code grad --loss-type bpo}, and {@code train --objective ppo --adaptive-clipping
 * --bapo-target} (BAPO, arXiv 2510.18927), with their config.json fields, metrics and report rows; and the one-line
 * errors of their bad settings.
 */
class BalanceOptionsTest {

    @TempDir
    Path dir;

    private static final String[] SMALL_ANALYSIS = {"--measure-every", "2", "--final-prompts", "2", "--final-tokens",
            "6", "--probe-prompts", "2", "--probe-tokens", "6", "--probe-pairs", "2", "--eval-prompts", "2",
            "--eval-tokens", "6"};

    @Test
    void bpoTrainsRecordsItsAlphaAnalyzeReplaysItAndTheReportNamesIt() throws IOException {
        Path checkpoint = Cli.smallCheckpoint(dir.resolve("model"));
        Path pairs = Cli.pairFile(dir.resolve("pairs.jsonl"));
        Path run = dir.resolve("bpo");
        Cli.Result trained = Cli.run(args("train", "--checkpoint", checkpoint.toString(), "--pairs", pairs.toString(),
                "--steps", "2", "--batch", "2", "--lr", "1e-3", "--out", run.toString(), "--quiet", "--loss-type",
                "bpo", "--bpo-alpha", "0.5", "--beta", "0.5"));
        assertThat(trained.code()).as(trained.err()).isZero();
        Map<String, Object> config = RunDirectory.readJson(run.resolve("config.json"));
        assertThat(config).containsEntry("loss_type", "bpo").containsEntry("bpo_alpha", 0.5)
                .doesNotContainKeys("simpo_gamma", "label_smoothing");
        RunConfig parsed = RunConfig.fromJson(config, "config.json");
        assertThat(parsed.dpo().settings("standard", 2).bpoAlpha()).isEqualTo(0.5);
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            Map<String, Object> metrics = JsonFiles.parseObject(line);
            assertThat(metrics).as("TRL's DPO names").containsKeys("loss", "rewards/chosen", "rewards/rejected",
                    "rewards/margins", "rewards/accuracies", "logps/chosen", "logps/rejected");
            double lambdaPositive = (double) metrics.get("lambda/positive");
            double lambdaNegative = (double) metrics.get("lambda/negative");
            // each BPO pair has (λ⁺, λ⁻) = (1, 0) or (0, α): the means are the two branches' shares
            assertThat(lambdaPositive + lambdaNegative / 0.5).isCloseTo(1.0,
                    org.assertj.core.api.Assertions.within(1e-12));
        }
        Cli.Result analyzed = Cli.run("analyze", run.toString(), "--quiet");
        assertThat(analyzed.code()).as(analyzed.err()).isZero();
        Cli.Result reported = Cli.run("report", run.toString());
        assertThat(reported.code()).as(reported.err()).isZero();
        String html = Files.readString(run.resolve("report.html"));
        int start = html.indexOf("<section id=\"dpo-weights\">");
        assertThat(html.substring(start, html.indexOf("</section>", start))).contains("bpo, α 0.5");
    }

    @Test
    void gradRecordsBposAlpha() throws IOException {
        Path checkpoint = Cli.smallCheckpoint(dir.resolve("model"));
        Path pairs = Cli.pairFile(dir.resolve("pairs.jsonl"));
        Path out = dir.resolve("step.safetensors");
        Cli.Result result = Cli.run("grad", "--checkpoint", checkpoint.toString(), "--pairs", pairs.toString(),
                "--loss-type", "bpo", "--bpo-alpha", "0.4", "--out", out.toString(), "--threads", "1");
        assertThat(result.code()).as(result.err()).isZero();
        Map<String, String> metadata = SafeTensors.read(out).metadata();
        assertThat(metadata).containsEntry("loss_type", "bpo").containsEntry("bpo_alpha", "0.4");
        assertThat(metadata.get("loss")).contains("min(beta*(lp_c - ref_c), -bpo_alpha*beta*(lp_r - ref_r))");
    }

    @Test
    void ppoWithAdaptiveClippingLogsBaposBoundsAndWithoutItKeepsItsConfig() throws IOException {
        Path checkpoint = Cli.smallCheckpoint(dir.resolve("model"));
        Path bapo = trainPpo(checkpoint, "bapo", "--adaptive-clipping", "--bapo-target", "0.6");
        Map<String, Object> config = RunDirectory.readJson(bapo.resolve("config.json"));
        assertThat(config).containsEntry("adaptive_clipping", true).containsEntry("bapo_target", 0.6);
        RunConfig parsed = RunConfig.fromJson(config, "config.json");
        assertThat(parsed.ppo().config("standard", parsed.steps()).adaptiveClipping().positiveContributionTarget())
                .isEqualTo(0.6);
        for (String line : Files.readAllLines(bapo.resolve("metrics.jsonl"))) {
            Map<String, Object> metrics = JsonFiles.parseObject(line);
            assertThat((double) metrics.get("clip/low")).isBetween(0.6, 0.9);
            assertThat((double) metrics.get("clip/high")).isBetween(1.2, 3.0);
            assertThat(metrics).containsKeys("clip/positive_share", "policy/clipfrac", "objective/kl");
        }
        Cli.Result analyzed = Cli.run("analyze", bapo.toString(), "--quiet");
        assertThat(analyzed.code()).as(analyzed.err()).isZero();
        Cli.Result reported = Cli.run("report", bapo.toString());
        assertThat(reported.code()).as(reported.err()).isZero();
        assertThat(Files.readString(bapo.resolve("report.html"))).contains("clipped surrogate, BAPO adaptive, ρ₀ 0.6");

        Path plain = trainPpo(checkpoint, "plain");
        Map<String, Object> plainConfig = RunDirectory.readJson(plain.resolve("config.json"));
        assertThat(plainConfig).as("off: config.json as before the option").doesNotContainKeys("adaptive_clipping",
                "bapo_target");
        for (String line : Files.readAllLines(plain.resolve("metrics.jsonl"))) {
            assertThat(JsonFiles.parseObject(line)).doesNotContainKeys("clip/low", "clip/high", "clip/positive_share");
        }
    }

    /** {@code reproduce} (and so the demo) runs a DPO-family loss by its run name, and the report names its loss. */
    @Test
    void reproduceIncludesTheBpoRun() throws IOException {
        Path out = dir.resolve("reproduce");
        Cli.Result result = Cli.run("reproduce", "--size", "tiny", "--seeds", "2", "--runs",
                "dpo/standard,bpo/standard", "--out", out.toString(), "--jobs", "2", "--quiet");
        assertThat(result.code()).as(result.err()).isZero();
        assertThat(out.resolve("findings.md")).isNotEmptyFile();
        for (String seed : List.of("seed-1", "seed-2")) {
            Path run = out.resolve(seed).resolve("runs").resolve("bpo-standard");
            Map<String, Object> config = RunDirectory.readJson(run.resolve("config.json"));
            assertThat(config).containsEntry("objective", "dpo").containsEntry("variant", "standard")
                    .containsEntry("loss_type", "bpo").containsEntry("bpo_alpha", 0.3);
            assertThat(Files.readAllLines(run.resolve("dynamics.jsonl"))).isNotEmpty();
            String html = Files.readString(out.resolve(seed).resolve("report.html"));
            int start = html.indexOf("<section id=\"dpo-weights\">");
            assertThat(html.substring(start, html.indexOf("</section>", start))).contains("bpo/standard")
                    .contains("bpo, α 0.3");
        }
    }

    @Test
    void badSettingsAreOneLineErrors() {
        Path out = dir.resolve("never");
        String o = out.toString();
        CliParsingTest.assertUserError(Cli.run("train", "--beta", "-0.1", "--out", o), 1,
                "--beta must be positive and finite, got -0.1");
        CliParsingTest.assertUserError(Cli.run("train", "--loss-type", "balanced", "--out", o), 1,
                "unknown --loss-type 'balanced'; expected one of sigmoid, hinge, ipo");
        CliParsingTest.assertUserError(Cli.run("train", "--loss-type", "bpo", "--bpo-alpha", "1.5", "--out", o), 1,
                "--bpo-alpha must be in (0, 1], got 1.5");
        CliParsingTest.assertUserError(Cli.run("train", "--loss-type", "bpo", "--bpo-alpha", "0", "--out", o), 1,
                "--bpo-alpha must be in (0, 1], got 0.0");
        CliParsingTest.assertUserError(Cli.run("train", "--bpo-alpha", "0.5", "--out", o), 1,
                "--bpo-alpha applies to --loss-type bpo only, got 0.5 with sigmoid");
        CliParsingTest.assertUserError(Cli.run("train", "--objective", "ppo", "--adaptive-clipping", "--bapo-target",
                "1.0", "--out", o), 1, "--bapo-target (BAPO's positive share ρ₀) must be in (0, 1), got 1.0");
        CliParsingTest.assertUserError(Cli.run("train", "--objective", "grpo", "--adaptive-clipping", "--bapo-target",
                "0", "--out", o), 1, "--bapo-target (BAPO's positive share ρ₀) must be in (0, 1), got 0.0");
        CliParsingTest.assertUserError(Cli.run("train", "--objective", "ppo", "--bapo-target", "0.6", "--out", o), 1,
                "--bapo-target needs --adaptive-clipping");
        CliParsingTest.assertUserError(Cli.run("train", "--objective", "dpo", "--adaptive-clipping", "--out", o), 1,
                "--adaptive-clipping does not apply to --objective dpo");
        CliParsingTest.assertUserError(Cli.run("train", "--objective", "rloo", "--num-generations", "1", "--out", o),
                1, "--num-generations must be at least 2, got 1");
        CliParsingTest.assertUserError(Cli.run("grad", "--checkpoint", "committed-sft", "--pairs", "p.jsonl",
                "--loss-type", "balanced", "--out", o), 2, "balanced");
        CliParsingTest.assertUserError(Cli.run("grad", "--checkpoint", "committed-sft", "--pairs", "p.jsonl",
                "--beta", "-1", "--out", o), 1, "--beta must be positive and finite, got -1.0");
        assertThat(out).doesNotExist();
    }

    private Path trainPpo(Path checkpoint, String name, String... extra) {
        Path run = dir.resolve(name);
        List<String> args = new ArrayList<>(List.of("train", "--objective", "ppo", "--checkpoint",
                checkpoint.toString(), "--steps", "2", "--batch", "4", "--response-tokens", "6", "--prompts", "4",
                "--ppo-epochs", "2", "--ppo-minibatches", "2", "--lr", "1e-3", "--out", run.toString(), "--quiet"));
        args.addAll(List.of(extra));
        args.addAll(List.of(SMALL_ANALYSIS));
        Cli.Result trained = Cli.run(args.toArray(String[]::new));
        assertThat(trained.code()).as(trained.err()).isZero();
        return run;
    }

    private static String[] args(String... base) {
        List<String> all = new ArrayList<>(List.of(base));
        all.addAll(List.of(SMALL_ANALYSIS));
        return all.toArray(String[]::new);
    }
}
