package prefdyn.cli.command;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prefdyn.cli.base.UserError;
import prefdyn.cli.run.DataSettings;
import prefdyn.cli.run.DpoLossSettings;
import prefdyn.cli.run.EvaluationSettings;
import prefdyn.cli.run.GPasses;
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
 * {@code --g-passes every|linear}: its parsing, its {@code g_passes} field in config.json (absent in configs written
 * before it existed, which means every), and its part in {@code reproduce}'s reuse of a finished seed.
 */
class GPassesTest {

    @TempDir
    Path dir;

    @Test
    void theTwoNamesAreTheTwoModesAndAnythingElseIsAUserError() {
        assertThat(GPasses.parse("every")).isEqualTo(ComponentPasses.EVERY_COMPONENT);
        assertThat(GPasses.parse("linear")).isEqualTo(ComponentPasses.BY_LINEARITY);
        for (ComponentPasses passes : ComponentPasses.values()) {
            assertThat(GPasses.parse(GPasses.name(passes))).isEqualTo(passes);
        }
        assertThatThrownBy(() -> GPasses.parse("LINEAR")).isInstanceOf(UserError.class)
                .hasMessage("unknown --g-passes 'LINEAR'; expected every or linear");
    }

    @Test
    void aRunConfigRecordsItsModeAndAnOlderConfigWithoutTheFieldReadsAsEvery() {
        RunConfig linear = config(ComponentPasses.BY_LINEARITY);
        Map<String, Object> json = JsonFiles.parseObject(JsonFiles.write(linear.toJson(1))); // as read from the file
        assertThat(json).containsEntry("g_passes", "linear");
        assertThat(RunConfig.fromJson(json, "config.json").measurement().gPasses()).isEqualTo(ComponentPasses.BY_LINEARITY);
        assertThat(RunConfig.fromJson(json, "config.json")).isEqualTo(linear);

        Map<String, Object> older =
                JsonFiles.parseObject(JsonFiles.write(config(ComponentPasses.EVERY_COMPONENT).toJson(1)));
        assertThat(older).containsEntry("g_passes", "every");
        older.remove("g_passes");
        assertThat(RunConfig.fromJson(older, "config.json").measurement().gPasses()).isEqualTo(ComponentPasses.EVERY_COMPONENT);

        Map<String, Object> unknown = new LinkedHashMap<>(json);
        unknown.put("g_passes", "sometimes");
        assertThatThrownBy(() -> RunConfig.fromJson(unknown, "run/config.json")).isInstanceOf(UserError.class)
                .hasMessageContaining("run/config.json").hasMessageContaining("g_passes");
    }

    /** A finished seed directory is reused only when measured the same way; a config without the field is every. */
    @Test
    void reproduceReusesASeedOnlyForTheModeItWasMeasuredWith() throws IOException {
        List<String> runs = List.of("dpo/standard");
        Path older = finishedDemo(dir.resolve("older"), null);
        assertThat(finished(older, ComponentPasses.EVERY_COMPONENT)).isTrue();
        assertThat(finished(older, ComponentPasses.BY_LINEARITY)).isFalse();

        Path linear = finishedDemo(dir.resolve("linear"), "linear");
        assertThat(finished(linear, ComponentPasses.BY_LINEARITY)).isTrue();
        assertThat(finished(linear, ComponentPasses.EVERY_COMPONENT)).isFalse();

        Path every = finishedDemo(dir.resolve("every"), "every");
        assertThat(finished(every, ComponentPasses.EVERY_COMPONENT)).isTrue();
        assertThat(finished(every, ComponentPasses.BY_LINEARITY)).isFalse();
        assertThat(SeedDirectory.finished(every, 3, new SeedSettings("tiny", runs, "committed-sft",
                "accelerated", ComponentPasses.EVERY_COMPONENT, true, PairRules.prefdynV1()))).as("the other settings still count").isFalse();

        Path odd = finishedDemo(dir.resolve("odd"), "sometimes");
        assertThat(finished(odd, ComponentPasses.EVERY_COMPONENT)).isFalse();
        assertThat(finished(odd, ComponentPasses.BY_LINEARITY)).isFalse();
    }

    private static boolean finished(Path directory, ComponentPasses passes) {
        // the demo configs below have no component_norms field: trained with two passes per update
        return SeedDirectory.finished(directory, 3, new SeedSettings("tiny", List.of("dpo/standard"),
                "committed-sft", "reference", passes, true, PairRules.prefdynV1()));
    }

    /** The files by which reproduce recognises a finished demo directory, with {@code g_passes} if not null. */
    private static Path finishedDemo(Path directory, String gPasses) throws IOException {
        Files.createDirectories(directory);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("kind", "demo");
        config.put("seed", 3L);
        config.put("checkpoint", "committed-sft");
        config.put("engine", "reference");
        if (gPasses != null) {
            config.put("g_passes", gPasses);
        }
        config.put("runs", List.of("dpo/standard"));
        config.put("sizes", Map.of("size", "tiny"));
        RunDirectory.writeJson(directory.resolve("config.json"), config);
        Files.writeString(directory.resolve("report.html"), "<html></html>\n");
        return directory;
    }

    private static RunConfig config(ComponentPasses passes) {
        return new RunConfig("dpo/standard", Objective.DPO, "standard", new ModelSettings("committed-sft", "reference"),
                new StepSettings(1, 4, 2, 1e-3, false), new DataSettings("pairs.jsonl", null, 64, 778),
                new DpoLossSettings(DpoLossType.SIGMOID, 0.1), new PpoSettings(2, 2, 32, 0.05),
                new MeasurementSettings(2, passes, 2, 6, 2, 6, 3), new EvaluationSettings(4, 6));
    }
}
