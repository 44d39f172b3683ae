package prefdyn.reference.dynamics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.ppo.PpoConfig;
import prefdyn.reference.ppo.PpoObjective;
import prefdyn.reference.ppo.PpoTrainer;
import prefdyn.reference.ppo.RewardFunction;
import prefdyn.reference.sampling.SamplingSettings;
import prefdyn.reference.train.MetricsLog;
import prefdyn.reference.util.JsonFiles;
import prefdyn.reference.util.Parallel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** G for PPO through the same two-pass replay as DPO: deterministic, linear in the advantage-sign split. */
class PpoDynamicsTest {

    private static final GptConfig CONFIG = new GptConfig(64, 8, 1, 2, 16, false, false);
    private static final List<int[]> PROMPTS = List.of(new int[] {1, 2}, new int[] {3}, new int[] {4, 7, 2});
    private static final RewardFunction FIRST_TOKEN_IS_5 = sequences -> sequences.stream()
            .mapToDouble(s -> s.response()[0] == 5 ? 1.0 : 0.0).toArray();

    private static PpoTrainer trainer() {
        ReferenceEngine policy = ReferenceEngine.initialized(CONFIG, 1, Parallel.sequential());
        ReferenceEngine reference = ReferenceEngine.initialized(CONFIG, 1, Parallel.sequential());
        ReferenceEngine critic = ReferenceEngine.initialized(CONFIG.withValueHead(true), 101, Parallel.sequential());
        PpoConfig config = PpoConfig.builder().batchSize(12).numMiniBatches(2).responseLength(2).learningRate(1e-2)
                .objective(PpoObjective.standard()).seed(1).build();
        return new PpoTrainer(policy, reference, critic, FIRST_TOKEN_IS_5, PROMPTS, config);
    }

    @Test
    void ppoReplayIsBitIdenticalAndGSplitsIntoAdvantageSigns(@TempDir Path dir) throws Exception {
        DynamicsRun.Settings settings = new DynamicsRun.Settings(12, 4, List.of(new int[] {3}, new int[] {9, 9}),
                SamplingSettings.greedy(2), 0, GradientAlignment.TargetAverage.PER_SEQUENCE, 4);
        try (MetricsLog dynamics = MetricsLog.open(dir.resolve("dynamics.jsonl"))) {
            DynamicsRun.run(PpoDynamicsTest::trainer, settings, null, dynamics);
        }
        List<String> lines = Files.readAllLines(dir.resolve("dynamics.jsonl"));
        assertThat(lines).hasSize(3);
        for (String line : lines) {
            Map<String, Object> values = JsonFiles.parseObject(line);
            double total = (double) values.get("G/total");
            double positive = (double) values.get("G/positive");
            double negative = (double) values.get("G/negative");
            double tertiles = (double) values.get("G/tertile/bottom") + (double) values.get("G/tertile/middle")
                    + (double) values.get("G/tertile/top");
            double scale = Math.max(Math.abs(positive), Math.abs(negative));
            assertThat(scale).isGreaterThan(0);
            assertThat(positive + negative).isCloseTo(total, within(1e-10 * scale));
            assertThat(tertiles).isCloseTo(total, within(1e-10 * scale));
        }
    }
}
