package prefdyn.cli.command;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prefdyn.cli.base.UserError;
import prefdyn.cli.run.DataSettings;
import prefdyn.cli.run.DpoLossSettings;
import prefdyn.cli.run.EvaluationSettings;
import prefdyn.cli.run.MeasurementSettings;
import prefdyn.cli.run.ModelSettings;
import prefdyn.cli.run.Objective;
import prefdyn.cli.run.PpoSettings;
import prefdyn.cli.run.RunConfig;
import prefdyn.cli.reproduce.SeedDirectory;
import prefdyn.cli.reproduce.SeedSettings;
import prefdyn.cli.run.RunDirectory;
import prefdyn.cli.run.StepSettings;
import prefdyn.reference.dpo.DpoLossType;
import prefdyn.datasets.PairRules;
import prefdyn.reference.dynamics.GradientAlignment.ComponentPasses;
import prefdyn.reference.util.JsonFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code --component-norms}: its {@code component_norms} field in config.json (absent in configs written before it
 * existed, which were trained with two passes per update), its effect on {@code metrics.jsonl}, {@code analyze}'s
 * replay of either mode, and its part in {@code reproduce}'s reuse of a finished seed.
 */
class ComponentNormsTest {

    @TempDir
    Path dir;

    private static final String[] SMALL_ANALYSIS = {"--measure-every", "2", "--final-prompts", "2", "--final-tokens",
            "6", "--probe-prompts", "2", "--probe-tokens", "6", "--probe-pairs", "3", "--eval-prompts", "4",
            "--eval-tokens", "6"};

    @Test
    void aRunConfigRecordsTheChoiceAndAnOlderConfigWithoutTheFieldReadsAsTwoPasses() {
        for (boolean split : new boolean[] {false, true}) {
            // as read from the file
            Map<String, Object> json = JsonFiles.parseObject(JsonFiles.write(config(split).toJson(1)));
            assertThat(json).containsEntry("component_norms", split);
            assertThat(RunConfig.fromJson(json, "config.json")).isEqualTo(config(split));
        }
        Map<String, Object> older = JsonFiles.parseObject(JsonFiles.write(config(false).toJson(1)));
        older.remove("component_norms");
        assertThat(RunConfig.fromJson(older, "config.json").steps().componentNorms()).isTrue();

        Map<String, Object> odd = new LinkedHashMap<>(older);
        odd.put("component_norms", "yes");
        assertThatThrownBy(() -> RunConfig.fromJson(odd, "run/config.json")).isInstanceOf(UserError.class)
                .hasMessageContaining("run/config.json").hasMessageContaining("component_norms");
    }

    /**
     * Without the flag a DPO run logs no component norms; with it, it logs them; analyze replays each bit for bit,
     * and refuses a run whose config.json names the other mode (the two differ in the last bits).
     */
    @Test
    void trainLogsTheNormsOnlyWhenAskedAndAnalyzeReplaysTheRecordedMode() throws IOException {
        Path checkpoint = Cli.smallCheckpoint(dir.resolve("model"));
        Path pairs = Cli.pairFile(dir.resolve("pairs.jsonl"));
        for (boolean split : new boolean[] {false, true}) {
            Path run = dir.resolve(split ? "split" : "one");
            Cli.Result trained = Cli.run(concat(new String[] {"train", "--checkpoint", checkpoint.toString(),
                    "--pairs", pairs.toString(), "--steps", "3", "--batch", "2", "--lr", "1e-2", "--out",
                    run.toString(), "--quiet"}, split ? new String[] {"--component-norms"} : new String[0],
                    SMALL_ANALYSIS));
            assertThat(trained.code()).as(trained.err()).isZero();
            assertThat(RunDirectory.readJson(run.resolve("config.json"))).containsEntry("component_norms", split);
            for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
                Map<String, Object> metrics = JsonFiles.parseObject(line);
                assertThat(metrics.containsKey("grad_norm/positive")).isEqualTo(split);
                assertThat(metrics.containsKey("grad_cosine/positive_negative")).isEqualTo(split);
                assertThat(metrics).containsKeys("loss", "grad_norm");
            }
            Cli.Result analyzed = Cli.run("analyze", run.toString(), "--quiet");
            assertThat(analyzed.code()).as(analyzed.err()).isZero();
            assertThat(Files.readAllLines(run.resolve("dynamics.jsonl"))).isNotEmpty();
        }
        Path run = dir.resolve("split");
        Path config = run.resolve("config.json");
        Map<String, Object> json = RunDirectory.readJson(config);
        json.put("component_norms", false);
        RunDirectory.writeJson(config, json);
        Cli.Result analyzed = Cli.run("analyze", run.toString(), "--quiet");
        CliParsingTest.assertUserError(analyzed, 1, "does not reproduce the trained run");
    }

    /** A finished seed is reused only when trained the same way; a config without the field is two passes. */
    @Test
    void reproduceReusesASeedOnlyForTheModeItWasTrainedWith() throws IOException {
        Path older = finishedDemo(dir.resolve("older"), null);
        assertThat(finished(older, true)).isTrue();
        assertThat(finished(older, false)).isFalse();
        Path one = finishedDemo(dir.resolve("one"), false);
        assertThat(finished(one, false)).isTrue();
        assertThat(finished(one, true)).isFalse();
        Path split = finishedDemo(dir.resolve("split"), true);
        assertThat(finished(split, true)).isTrue();
        assertThat(finished(split, false)).isFalse();
        Path odd = finishedDemo(dir.resolve("odd"), "sometimes");
        assertThat(finished(odd, true)).isFalse();
        assertThat(finished(odd, false)).isFalse();
    }

    private static boolean finished(Path directory, boolean componentNorms) {
        return SeedDirectory.finished(directory, 3, new SeedSettings("tiny", List.of("dpo/standard"),
                "committed-sft", "reference", ComponentPasses.EVERY_COMPONENT, componentNorms, PairRules.prefdynV1()));
    }

    /** The files by which reproduce recognises a finished demo directory, with {@code component_norms} if not null. */
    private static Path finishedDemo(Path directory, Object componentNorms) throws IOException {
        Files.createDirectories(directory);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("kind", "demo");
        config.put("seed", 3L);
        config.put("checkpoint", "committed-sft");
        config.put("engine", "reference");
        if (componentNorms != null) {
            config.put("component_norms", componentNorms);
        }
        config.put("runs", List.of("dpo/standard"));
        config.put("sizes", Map.of("size", "tiny"));
        RunDirectory.writeJson(directory.resolve("config.json"), config);
        Files.writeString(directory.resolve("report.html"), "<html></html>\n");
        return directory;
    }

    private static RunConfig config(boolean componentNorms) {
        return new RunConfig("dpo/standard", Objective.DPO, "standard", new ModelSettings("committed-sft", "reference"),
                new StepSettings(1, 4, 2, 1e-3, componentNorms), new DataSettings("pairs.jsonl", null, 64, 778),
                new DpoLossSettings(DpoLossType.SIGMOID, 0.1), new PpoSettings(2, 2, 32, 0.05),
                new MeasurementSettings(2, ComponentPasses.EVERY_COMPONENT, 2, 6, 2, 6, 3), new EvaluationSettings(4, 6));
    }

    private static String[] concat(String[]... parts) {
        return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
    }
}
