package prefdyn.reference.grpo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prefdyn.reference.dynamics.ComponentSeeds;
import prefdyn.reference.dynamics.DynamicsRun;
import prefdyn.reference.dynamics.GradientAlignment;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.sampling.SamplingSettings;
import prefdyn.reference.ppo.Rollout;
import prefdyn.reference.train.MetricsLog;
import prefdyn.reference.train.OneBackwardPassChecks;
import prefdyn.reference.train.StepRecordingEngine;
import prefdyn.reference.util.JsonFiles;

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
        return grpo(beta, false);
    }

    private static GrpoTrainer grpo(double beta, boolean componentNorms) {
        return new GrpoTrainer(engine(1), engine(1), FIRST_TOKEN_IS_TARGET, PROMPTS,
                GrpoConfig.of(toySettings(GroupSettings.grpoDefaults(), 4).generationBatchSize(12)
                        .componentNorms(componentNorms).build()).withBeta(beta));
    }

    private static RlooTrainer rloo(boolean componentNorms) {
        return new RlooTrainer(engine(1), engine(1), FIRST_TOKEN_IS_TARGET, PROMPTS,
                RlooConfig.of(toySettings(GroupSettings.rlooDefaults(), 3).generationBatchSize(12)
                        .componentNorms(componentNorms).build()));
    }

    @Test
    void metricsCarryTrlNames() {
        for (GroupTrainer trainer : new GroupTrainer[] {grpo(0.04, true), rloo(true)}) {
            Map<String, Object> metrics = trainer.step();
            assertThat(metrics).containsKeys("reward", "reward_std", "frac_reward_zero_std", "kl", "entropy",
                    "clip_ratio/low_mean", "clip_ratio/high_mean", "clip_ratio/region_mean",
                    "completions/mean_length", "completions/min_length", "completions/max_length",
                    "completions/clipped_ratio", "loss", "grad_norm", "learning_rate", "grad_norm/positive",
                    "grad_norm/negative", "beta", "episode");
            assertThat((double) metrics.get("completions/mean_length")).isEqualTo(2.0);
            assertThat((double) metrics.get("entropy")).isGreaterThan(3.0);
            assertThat(metrics.get("episode")).isEqualTo(12.0);
            assertThat(metrics).as("BAPO's share exists only with BAPO").doesNotContainKey("clip/positive_share");
            assertThat(metrics.values()).as("every value finite, as MetricsLog requires")
                    .allMatch(value -> Double.isFinite(((Number) value).doubleValue()));
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
            Map<String, Object> values = JsonFiles.parseObject(line);
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

    /**
     * One backward pass of the summed seeds per update (the default) against the two passes of
     * {@link GroupSettings#componentNorms}, for GRPO with μ = 2 updates a step and for RLOO: one backward per update
     * instead of two; each of three steps' metrics equal to 1e-12 relative (without the component norms); the
     * parameters after them equal to {@link #ONE_PASS_PARAMETERS}, while each run moved them by more than a thousand
     * times that.
     */
    @Test
    void oneBackwardPassPerUpdateGivesTheTwoPassStepUpToRounding() {
        for (boolean grpo : new boolean[] {true, false}) {
            StepRecordingEngine one = new StepRecordingEngine(engine(1));
            StepRecordingEngine two = new StepRecordingEngine(engine(1));
            double[] start = OneBackwardPassChecks.parameters(one);
            GroupSettings.Builder base = toySettings(grpo ? GroupSettings.grpoDefaults() : GroupSettings.rlooDefaults(),
                    4).generationBatchSize(12).numIterations(2);
            assertThat(base.build().componentNorms()).as("one backward pass is the default").isFalse();
            GroupTrainer single = trainer(grpo, one, base.build());
            GroupTrainer split = trainer(grpo, two, base.componentNorms(true).build());
            for (int step = 0; step < 3; step++) {
                Map<String, Object> onePass = single.step();
                Map<String, Object> twoPasses = split.step();
                assertThat(one.backwardCalls()).isEqualTo(2 * (step + 1));
                assertThat(two.backwardCalls()).isEqualTo(4 * (step + 1));
                OneBackwardPassChecks.assertSameMetrics(onePass, twoPasses, 1e-12, (grpo ? "GRPO" : "RLOO")
                        + " step " + step);
            }
            double[] onePassEnd = OneBackwardPassChecks.parameters(one);
            double[] twoPassEnd = OneBackwardPassChecks.parameters(two);
            assertThat(OneBackwardPassChecks.maxAbsDifference(onePassEnd, twoPassEnd))
                    .isLessThanOrEqualTo(ONE_PASS_PARAMETERS);
            assertThat(OneBackwardPassChecks.maxAbsDifference(onePassEnd, start))
                    .isGreaterThan(1e3 * ONE_PASS_PARAMETERS);
        }
    }

    /** The most two runs' parameters may differ after three steps (6 AdamW updates at lr 1e-2) that differ only in rounding. */
    private static final double ONE_PASS_PARAMETERS = 1e-12;

    private static GroupTrainer trainer(boolean grpo, prefdyn.reference.engine.PolicyEngine policy,
                                        GroupSettings settings) {
        return grpo ? new GrpoTrainer(policy, engine(1), FIRST_TOKEN_IS_TARGET, PROMPTS,
                GrpoConfig.of(settings).withBeta(0.04))
                : new RlooTrainer(policy, engine(1), FIRST_TOKEN_IS_TARGET, PROMPTS, RlooConfig.of(settings));
    }

    /**
     * Completions stop at the policy's tokenizer's end-of-text ({@link GroupSettings#stopTokenId}), here token 11 of
     * a 64-token vocabulary, never at the byte-level tokenizer's 256 (which this vocabulary cannot even sample): with
     * stop token 11 every completion holds 11 only as its last token, some end early, and
     * {@code completions/clipped_ratio} counts exactly those that did not end at 11; with the byte-level default
     * every completion runs the full length.
     */
    @Test
    void samplingStopsAtThePolicysEndOfText() {
        int stop = 11;
        int length = 5; // the longest prompt (3 tokens) + 5 fills the toy model's context of 8
        GroupSettings.Builder builder = toySettings(GroupSettings.grpoDefaults(), 8).maxCompletionLength(length);
        GrpoTrainer stopping = new GrpoTrainer(engine(1), engine(1), FIRST_TOKEN_IS_TARGET, PROMPTS,
                GrpoConfig.of(builder.stopTokenId(stop).build()));
        Rollout rollout = stopping.experience(0).rollout();
        int stopped = 0;
        for (var sequence : rollout.sequences()) {
            int[] response = sequence.response();
            for (int i = 0; i < response.length - 1; i++) {
                assertThat(response[i]).as("a token before the last").isNotEqualTo(stop);
            }
            if (response[response.length - 1] == stop) {
                stopped++;
            } else {
                assertThat(response).hasSize(length);
            }
        }
        int n = rollout.sequences().size();
        assertThat(stopped).as("completions that ended at token 11").isBetween(1, n - 1);
        Map<String, Object> metrics = stopping.step();
        assertThat((double) metrics.get("completions/clipped_ratio")).isEqualTo((double) (n - stopped) / n);

        GrpoTrainer byteLevel = new GrpoTrainer(engine(1), engine(1), FIRST_TOKEN_IS_TARGET, PROMPTS,
                GrpoConfig.of(toySettings(GroupSettings.grpoDefaults(), 8).maxCompletionLength(length).build()));
        Map<String, Object> full = byteLevel.step();
        assertThat((double) full.get("completions/mean_length")).isEqualTo(length);
        assertThat((double) full.get("completions/clipped_ratio")).isEqualTo(1.0);
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
