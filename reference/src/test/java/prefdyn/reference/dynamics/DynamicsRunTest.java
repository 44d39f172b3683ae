package prefdyn.reference.dynamics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prefdyn.reference.data.PromptResponse;
import prefdyn.reference.dpo.DpoSettings;
import prefdyn.reference.dpo.DpoTrainer;
import prefdyn.reference.dpo.PreferenceExample;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.sampling.SamplingSettings;
import prefdyn.reference.tokenizer.ByteTokenizer;
import prefdyn.reference.train.MetricsLog;
import prefdyn.reference.train.TrainingSettings;
import prefdyn.reference.util.JsonFiles;
import prefdyn.reference.util.Parallel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DynamicsRunTest {

    private static final GptConfig CONFIG = new GptConfig(ByteTokenizer.VOCAB_SIZE, 8, 1, 2, 16, false, false);

    /** The toy task of the DPO tests: after "q", prefer "y" to "n". */
    private static DpoTrainer toyTrainer(long dataSeed) {
        List<PreferenceExample> pairs = List.of(new PreferenceExample(ByteTokenizer.encode("q"),
                ByteTokenizer.encode("y"), ByteTokenizer.encode("n")));
        ReferenceEngine policy = ReferenceEngine.initialized(CONFIG, 21, Parallel.sequential());
        ReferenceEngine reference = ReferenceEngine.initialized(CONFIG, 21, Parallel.sequential());
        return DpoTrainer.withReferenceModel(policy, reference, pairs, DpoSettings.standard(0.1, 150),
                TrainingSettings.of(1, 1e-2, dataSeed));
    }

    private static DynamicsRun.Settings settings() {
        return new DynamicsRun.Settings(150, 10, List.of(ByteTokenizer.encode("q")), SamplingSettings.greedy(1), 0,
                GradientAlignment.TargetAverage.PER_SEQUENCE, 8);
    }

    /**
     * Known target: the final policy answers "y" after "q" (D′ = {("q","y")}), and every DPO step raises
     * π(y|q), so G(L_dpo) must stay positive over the whole run. The replay is checked bit for bit.
     */
    @Test
    void dpoOnTheToyTaskHasPositiveGThroughout(@TempDir Path dir) throws Exception {
        try (MetricsLog training = MetricsLog.open(dir.resolve("metrics.jsonl"));
             MetricsLog dynamics = MetricsLog.open(dir.resolve("dynamics.jsonl"))) {
            DynamicsRun.FirstPass first = DynamicsRun.run(() -> toyTrainer(3), settings(), training, dynamics);
            assertThat(first.finalResponses()).hasSize(1);
            assertThat(first.finalResponses().get(0).response()).containsExactly('y');
        }
        List<String> lines = Files.readAllLines(dir.resolve("dynamics.jsonl"));
        assertThat(lines).hasSize(15);
        for (String line : lines) {
            Map<String, Object> values = JsonFiles.parseObject(line);
            assertThat((double) values.get("G/total")).as("step " + values.get("step")).isPositive();
            assertThat((double) values.get("G/positive")).as("step " + values.get("step")).isPositive();
        }
    }

    /**
     * Adding a probe is one class and one line in the run's list of probes (docs/architecture.md, "Where to add"):
     * a probe that only reads θ(t) appears in every measured line and changes no G.
     */
    @Test
    void aProbeAddedBesideGIsInEveryMeasuredLineAndChangesNoG(@TempDir Path dir) throws Exception {
        DynamicsRun.Settings settings = settings();
        DynamicsRun.FirstPass first = DynamicsRun.train(toyTrainer(3), settings, null, null);
        Probe parameterCount = policy -> Map.of("noop/parameters", (double) policy.layout().size());
        try (MetricsLog with = MetricsLog.open(dir.resolve("with.jsonl"));
             MetricsLog without = MetricsLog.open(dir.resolve("without.jsonl"))) {
            DynamicsRun.replay(toyTrainer(3), settings, first, List.of(parameterCount), with, null);
            DynamicsRun.replay(toyTrainer(3), settings, first, List.of(), without, null);
        }
        List<String> withProbe = Files.readAllLines(dir.resolve("with.jsonl"));
        List<String> withoutProbe = Files.readAllLines(dir.resolve("without.jsonl"));
        assertThat(withProbe).hasSize(15).hasSameSizeAs(withoutProbe);
        for (int i = 0; i < withProbe.size(); i++) {
            Map<String, Object> line = JsonFiles.parseObject(withProbe.get(i));
            Map<String, Object> plain = JsonFiles.parseObject(withoutProbe.get(i));
            assertThat(line.get("noop/parameters")).isEqualTo((double) toyTrainer(3).policy().layout().size());
            assertThat(plain).doesNotContainKey("noop/parameters");
            assertThat(line.get("G/total")).as("step " + line.get("step")).isEqualTo(plain.get("G/total"));
        }
    }

    /** A replay that does not pass through the same θ(t) is refused, not silently measured. */
    @Test
    void aDivergingReplayIsRefused() {
        DynamicsRun.Settings settings = settings();
        DynamicsRun.FirstPass first = DynamicsRun.train(toyTrainer(3), settings, null, null);
        DpoTrainer different = toyTrainer(3);
        different.step(); // one step ahead: θ(0) of the replay is the first run's θ(1)
        try (MetricsLog sink = MetricsLog.open(Files.createTempFile("dynamics", ".jsonl"))) {
            assertThatThrownBy(() -> DynamicsRun.replay(different, settings, first, sink, null))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("replay diverged")
                    .hasMessageContaining("step 0");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void finalResponsesRoundTripAndBadLinesAreNamed(@TempDir Path dir) throws Exception {
        List<PromptResponse> targets = List.of(new PromptResponse(new int[] {1, 2}, new int[] {3}),
                new PromptResponse(new int[] {4}, new int[] {5, 256}));
        Path file = dir.resolve("final_responses.jsonl");
        FinalResponses.save(targets, file);
        List<PromptResponse> loaded = FinalResponses.load(file);
        assertThat(loaded.get(1).response()).containsExactly(5, 256);
        Files.writeString(file, Files.readString(file) + "{\"prompt_ids\":[1],\"response_ids\":\"x\"}\n");
        assertThatThrownBy(() -> FinalResponses.load(file)).hasMessageContaining(":3:").hasMessageContaining("response_ids");
    }
}
