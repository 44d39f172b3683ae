package prefdyn.reference.grpo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prefdyn.reference.dynamics.ComponentSeeds;
import prefdyn.reference.dynamics.DynamicsRun;
import prefdyn.reference.dynamics.GradientAlignment;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.sampling.SamplingSettings;
import prefdyn.reference.train.MetricsLog;
import prefdyn.reference.util.Json;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static prefdyn.reference.grpo.GroupToyTaskTest.FIRST_TOKEN_IS_TARGET;
import static prefdyn.reference.grpo.GroupToyTaskTest.PROMPTS;
import static prefdyn.reference.grpo.GroupToyTaskTest.engine;
import static prefdyn.reference.grpo.GroupToyTaskTest.toySettings;

/** The GRPO and RLOO trainers: TRL's metrics, determinism, the decomposition and G, and bad settings. */
class GroupTrainerTest {

    private static GrpoTrainer grpo(double beta) {
        return new GrpoTrainer(engine(1), engine(1), FIRST_TOKEN_IS_TARGET, PROMPTS,
                GrpoConfig.of(toySettings(GroupSettings.grpoDefaults(), 4).generationBatchSize(12).build())
                        .withBeta(beta));
    }

    private static RlooTrainer rloo() {
        return new RlooTrainer(engine(1), engine(1), FIRST_TOKEN_IS_TARGET, PROMPTS,
                RlooConfig.of(toySettings(GroupSettings.rlooDefaults(), 3).generationBatchSize(12).build()));
    }

    @Test
    void metricsCarryTrlNames() {
        for (GroupTrainer trainer : new GroupTrainer[] {grpo(0.04), rloo()}) {
            Map<String, Object> metrics = trainer.step();
            assertThat(metrics).containsKeys("reward", "reward_std", "frac_reward_zero_std", "kl", "entropy",
                    "clip_ratio/low_mean", "clip_ratio/high_mean", "clip_ratio/region_mean",
                    "completions/mean_length", "completions/min_length", "completions/max_length",
                    "completions/clipped_ratio", "loss", "grad_norm", "learning_rate", "grad_norm/positive",
                    "grad_norm/negative", "beta", "episode");
            assertThat((double) metrics.get("completions/mean_length")).isEqualTo(2.0);
            assertThat((double) metrics.get("entropy")).isGreaterThan(3.0);
            assertThat(metrics.get("episode")).isEqualTo(12.0);
        }
    }

    @Test
    void twoEqualTrainersGiveBitIdenticalParameters() {
        GrpoTrainer first = grpo(0.04);
        GrpoTrainer second = grpo(0.04);
        for (int step = 0; step < 3; step++) {
            first.step();
            second.step();
        }
        double[] a = new double[first.policy().layout().size()];
        double[] b = new double[a.length];
        first.policy().copyParametersTo(a);
        second.policy().copyParametersTo(b);
        assertThat(Arrays.equals(a, b)).isTrue();
    }

    /** componentSeeds leaves the run unchanged: a step after it trains exactly as without it. */
    @Test
    void componentSeedsSplitExactlyAndLeaveTheStepUnchanged() {
        GrpoTrainer measured = grpo(0.04);
        GrpoTrainer plain = grpo(0.04);
        measured.step();
        plain.step();
        ComponentSeeds seeds = measured.componentSeeds();
        seeds.requireComponentsSumToTotal();
        assertThat(seeds.statistics()).containsKeys("loss", "reward", "kl");
        measured.step();
        plain.step();
        double[] a = new double[measured.policy().layout().size()];
        double[] b = new double[a.length];
        measured.policy().copyParametersTo(a);
        plain.policy().copyParametersTo(b);
        assertThat(Arrays.equals(a, b)).isTrue();
    }

    @Test
    void gIsMeasuredByTheSameReplayAndSplitsIntoAdvantageSigns(@TempDir Path dir) throws Exception {
        DynamicsRun.Settings settings = new DynamicsRun.Settings(6, 2, List.of(new int[] {3}, new int[] {9, 9}),
                SamplingSettings.greedy(2), 0, GradientAlignment.TargetAverage.PER_SEQUENCE, 4);
        try (MetricsLog dynamics = MetricsLog.open(dir.resolve("dynamics.jsonl"))) {
            DynamicsRun.run(() -> grpo(0.04), settings, null, dynamics);
        }
        List<String> lines = Files.readAllLines(dir.resolve("dynamics.jsonl"));
        assertThat(lines).hasSize(3);
        int nonZero = 0;
        for (String line : lines) {
            Map<String, Object> values = Json.parseObject(line);
            double total = (double) values.get("G/total");
            double positive = (double) values.get("G/positive");
            double negative = (double) values.get("G/negative");
            double tertiles = (double) values.get("G/tertile/bottom") + (double) values.get("G/tertile/middle")
                    + (double) values.get("G/tertile/top");
            double scale = Math.max(Math.abs(positive), Math.abs(negative));
            nonZero += scale > 0 ? 1 : 0;
            assertThat(positive + negative).isCloseTo(total, within(1e-10 * Math.max(scale, 1e-300)));
            assertThat(tertiles).isCloseTo(total, within(1e-10 * Math.max(scale, 1e-300)));
        }
        assertThat(nonZero).isGreaterThan(0);
    }

    @Test
    void badSettingsAreOneLineErrors() {
        assertThatThrownBy(() -> GroupSettings.grpoDefaults().numGenerations(1).build())
                .hasMessageContaining("numGenerations (num_generations) must be at least 2")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> GrpoConfig.defaults().withBeta(-0.1))
                .hasMessageContaining("beta").hasMessageContaining("-0.1");
        assertThatThrownBy(() -> RlooConfig.defaults().withBeta(-1)).hasMessageContaining("beta");
        assertThatThrownBy(() -> GrpoConfig.parseLossType("bnpo2"))
                .hasMessage("unknown GRPO loss_type 'bnpo2' (expected grpo, dr_grpo or dapo)");
        assertThat(GrpoConfig.parseLossType("dr_grpo")).isEqualTo(GrpoLossType.DR_GRPO);
        assertThatThrownBy(() -> GroupSettings.grpoDefaults().generationBatchSize(12).build())
                .hasMessageContaining("multiple of numGenerations 8");
        ReferenceEngine policy = engine(1);
        assertThatThrownBy(() -> new GrpoTrainer(policy, policy, FIRST_TOKEN_IS_TARGET, PROMPTS, GrpoConfig.defaults()))
                .hasMessageContaining("reference model is the policy object itself");
    }
}
