package prefdyn.oracle;

import net.jqwik.api.Example;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import prefdyn.accelerated.AcceleratedEngine;
import prefdyn.accelerated.kernels.Tolerance;
import prefdyn.accelerated.check.Tolerances;
import prefdyn.reference.data.PromptResponse;
import prefdyn.reference.dpo.DpoSettings;
import prefdyn.reference.dpo.DpoTrainer;
import prefdyn.reference.dpo.PreferenceExample;
import prefdyn.reference.engine.PolicyEngine;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.grpo.GroupSettings;
import prefdyn.reference.grpo.GrpoConfig;
import prefdyn.reference.grpo.GrpoTrainer;
import prefdyn.reference.fixtures.RandomParameters;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.ParameterLayout;
import prefdyn.reference.ppo.PpoConfig;
import prefdyn.reference.ppo.PpoTrainer;
import prefdyn.reference.ppo.RewardFunction;
import prefdyn.reference.sft.SftTrainer;
import prefdyn.reference.train.Trainer;
import prefdyn.reference.train.TrainingSettings;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * N training steps with the real trainers ({@code SftTrainer}, {@code DpoTrainer}, {@code PpoTrainer},
 * {@code GrpoTrainer}, unchanged) on
 * the reference engine and on the twin, from the same parameters: every numeric metric of every step, and the
 * parameters at the end. AdamW's normalised update makes the two runs drift apart slowly (a gradient element that is
 * nearly zero can get a different sign in float32 and then moves its parameter the other way by up to 2·lr), which the
 * trajectory tolerances allow for.
 */
@AddLifecycleHook(RequiresOpenCl.class)
class TrainingTrajectoryTest {

    private static final GptConfig CONFIG = new GptConfig(13, 10, 2, 2, 8, false, false);
    static final int STEPS = 6;
    /**
     * Fractions of discrete events (argmax hits, chosen beating rejected, ratios beyond the clip range, tokens with
     * a positive advantage): one event within rounding of its threshold may count on one side only, so they are
     * not compared. Counts (Integer metrics) are not compared either.
     */
    private static final Set<String> DISCRETE_METRICS = Set.of("mean_token_accuracy", "rewards/accuracies",
            "policy/clipfrac", "val/clipfrac", "ppo/positive_token_fraction", "clip_ratio/low_mean",
            "clip_ratio/high_mean", "clip_ratio/region_mean", "group/positive_token_fraction");

    @Example
    void sftStepsFollowTheReferenceTrajectory() {
        Random random = new Random(6003);
        List<PromptResponse> examples = Fixtures.randomSequences(random, 9, CONFIG.vocabSize(),
                CONFIG.contextLength());
        TrainingSettings training = TrainingSettings.of(3, 3e-3, 11);
        double[] params = RandomParameters.initializedWithNoise(CONFIG, 6003, 0.1);
        ReferenceEngine reference = Fixtures.referenceEngine(CONFIG, params);
        try (AcceleratedEngine twin = Fixtures.twinEngine(CONFIG, params)) {
            compareTrajectories("sft", new SftTrainer(reference, examples, training),
                    new SftTrainer(twin, examples, training), Tolerances.SFT_METRICS);
            assertSameParameters("sft: parameters after " + STEPS + " steps", reference, twin,
                    Tolerances.SFT_PARAMETERS);
            assertThat(twin.kernelsRunOnOpenCl()).as("%s", twin.kernelExecutions()).isTrue();
        }
    }

    @Example
    void dpoStepsFollowTheReferenceTrajectory() {
        Random random = new Random(6004);
        List<PreferenceExample> pairs = Fixtures.randomPairs(random, 9, CONFIG.vocabSize(), CONFIG.contextLength());
        TrainingSettings training = TrainingSettings.of(3, 3e-3, 12);
        DpoSettings dpo = DpoSettings.standard(0.5, STEPS);
        double[] policyParams = RandomParameters.initializedWithNoise(CONFIG, 6004, 0.2);
        double[] referenceParams = RandomParameters.initializedWithNoise(CONFIG, 6005, 0.2);
        ReferenceEngine reference = Fixtures.referenceEngine(CONFIG, policyParams);
        try (AcceleratedEngine twin = Fixtures.twinEngine(CONFIG, policyParams);
             AcceleratedEngine twinReferenceModel = Fixtures.twinEngine(CONFIG, referenceParams)) {
            DpoTrainer referenceTrainer = DpoTrainer.withReferenceModel(reference,
                    Fixtures.referenceEngine(CONFIG, referenceParams), pairs, dpo, training);
            DpoTrainer twinTrainer = DpoTrainer.withReferenceModel(twin, twinReferenceModel, pairs, dpo, training);
            compareTrajectories("dpo", referenceTrainer, twinTrainer, Tolerances.DPO_METRICS);
            assertSameParameters("dpo: parameters after " + STEPS + " steps", reference, twin,
                    Tolerances.DPO_PARAMETERS);
            assertThat(twin.kernelsRunOnOpenCl()).as("%s", twin.kernelExecutions()).isTrue();
            assertThat(twinReferenceModel.kernelsRunOnOpenCl()).isTrue();
        }
    }

    /**
     * PPO with the real trainer: rollouts sampled through {@code nextTokenLogProbs} (the same seeded draws on both
     * engines; a draw falls on a different token only if it lands within rounding of a CDF boundary), the value
     * head of a separate critic, the frozen reference's KL, minibatch epochs.
     */
    @Example
    void ppoStepsFollowTheReferenceTrajectory() {
        GptConfig config = new GptConfig(16, 8, 1, 2, 8, false, false);
        List<int[]> prompts = List.of(new int[] {1, 2}, new int[] {3}, new int[] {4, 7, 2}, new int[] {9, 9});
        RewardFunction firstTokenIsFive = sequences -> sequences.stream()
                .mapToDouble(sequence -> sequence.response()[0] == 5 ? 1.0 : 0.0).toArray();
        PpoConfig ppo = PpoConfig.builder().batchSize(8).numMiniBatches(2).responseLength(3).learningRate(3e-3)
                .seed(6013).build();
        double[] policyParams = RandomParameters.initializedWithNoise(config, 6013, 0.2);
        double[] criticParams = RandomParameters.initializedWithNoise(config.withValueHead(true), 6014, 0.2);
        ReferenceEngine policy = Fixtures.referenceEngine(config, policyParams);
        try (AcceleratedEngine twinPolicy = Fixtures.twinEngine(config, policyParams);
             AcceleratedEngine twinFrozen = Fixtures.twinEngine(config, policyParams);
             AcceleratedEngine twinCritic = Fixtures.twinEngine(config.withValueHead(true), criticParams)) {
            PpoTrainer referenceTrainer = new PpoTrainer(policy, Fixtures.referenceEngine(config, policyParams),
                    Fixtures.referenceEngine(config.withValueHead(true), criticParams), firstTokenIsFive, prompts, ppo);
            PpoTrainer twinTrainer = new PpoTrainer(twinPolicy, twinFrozen, twinCritic, firstTokenIsFive, prompts, ppo);
            compareTrajectories("ppo", referenceTrainer, twinTrainer, Tolerances.PPO_METRICS);
            assertSameParameters("ppo: parameters after " + STEPS + " steps", policy, twinPolicy,
                    Tolerances.PPO_PARAMETERS);
            assertThat(twinPolicy.kernelsRunOnOpenCl()).as("%s", twinPolicy.kernelExecutions()).isTrue();
            assertThat(twinCritic.kernelsRunOnOpenCl()).as("%s", twinCritic.kernelExecutions()).isTrue();
            assertThat(twinFrozen.kernelsRunOnOpenCl()).as("%s", twinFrozen.kernelExecutions()).isTrue();
        }
    }

    /**
     * GRPO with the real trainer (no critic): groups of 4 completions per prompt sampled through
     * {@code nextTokenLogProbs} (the same seeded draws on both engines), group-normalised advantages, the k3 KL term
     * against the frozen reference (β 0.04), and 2 updates per generation batch, so the second update's ratios differ
     * from 1 and the clipped surrogate is exercised off policy. The same tolerances as PPO's.
     */
    @Example
    void grpoStepsFollowTheReferenceTrajectory() {
        GptConfig config = new GptConfig(16, 8, 1, 2, 8, false, false);
        List<int[]> prompts = List.of(new int[] {1, 2}, new int[] {3}, new int[] {4, 7, 2}, new int[] {9, 9});
        RewardFunction firstTokenIsFive = sequences -> sequences.stream()
                .mapToDouble(sequence -> sequence.response()[0] == 5 ? 1.0 : 0.0).toArray();
        GrpoConfig grpo = GrpoConfig.of(GroupSettings.grpoDefaults().numGenerations(4).generationBatchSize(8)
                .maxCompletionLength(3).numIterations(2).learningRate(3e-3).seed(6015).build()).withBeta(0.04);
        double[] policyParams = RandomParameters.initializedWithNoise(config, 6015, 0.2);
        ReferenceEngine policy = Fixtures.referenceEngine(config, policyParams);
        try (AcceleratedEngine twinPolicy = Fixtures.twinEngine(config, policyParams);
             AcceleratedEngine twinFrozen = Fixtures.twinEngine(config, policyParams)) {
            GrpoTrainer referenceTrainer = new GrpoTrainer(policy, Fixtures.referenceEngine(config, policyParams),
                    firstTokenIsFive, prompts, grpo);
            GrpoTrainer twinTrainer = new GrpoTrainer(twinPolicy, twinFrozen, firstTokenIsFive, prompts, grpo);
            compareTrajectories("grpo", referenceTrainer, twinTrainer, Tolerances.PPO_METRICS);
            assertSameParameters("grpo: parameters after " + STEPS + " steps", policy, twinPolicy,
                    Tolerances.PPO_PARAMETERS);
            assertThat(twinPolicy.kernelsRunOnOpenCl()).as("%s", twinPolicy.kernelExecutions()).isTrue();
            assertThat(twinFrozen.kernelsRunOnOpenCl()).as("%s", twinFrozen.kernelExecutions()).isTrue();
        }
    }

    /**
     * Known answer ({@code docs/architecture.md}, "Testing: layers of oracles"): at step 0 with the policy equal to the
     * reference model, h = 0 for every pair, so the loss is ln 2 and the implicit rewards are 0 — exactly, because the
     * twin is deterministic and the two twin engines compute bit-identical log-probs.
     */
    @Example
    void dpoStepZeroWithPolicyEqualToReferenceHasLossLn2AndZeroRewardsOnTheTwin() {
        Random random = new Random(6006);
        List<PreferenceExample> pairs = Fixtures.randomPairs(random, 4, CONFIG.vocabSize(), CONFIG.contextLength());
        double[] params = RandomParameters.initializedWithNoise(CONFIG, 6006, 0.2);
        try (AcceleratedEngine policy = Fixtures.twinEngine(CONFIG, params);
             AcceleratedEngine frozen = Fixtures.twinEngine(CONFIG, params)) {
            DpoTrainer trainer = DpoTrainer.withReferenceModel(policy, frozen, pairs, DpoSettings.standard(0.1, 3),
                    TrainingSettings.of(4, 1e-3, 1));
            Map<String, Object> metrics = trainer.step();
            assertThat((double) metrics.get("loss")).isEqualTo(Math.log(2.0));
            assertThat((double) metrics.get("rewards/chosen")).isEqualTo(0.0);
            assertThat((double) metrics.get("rewards/rejected")).isEqualTo(0.0);
            assertThat((double) metrics.get("omega/mean")).isEqualTo(0.5);
            assertThat(policy.kernelsRunOnOpenCl()).as("%s", policy.kernelExecutions()).isTrue();
        }
    }

    /** Known answer: a model with all parameters zero predicts uniformly, so the first SFT loss is ln V. */
    @Example
    void sftLossOfTheUniformModelIsLnV() {
        double[] zeros = new double[new ParameterLayout(CONFIG).size()];
        List<PromptResponse> examples = Fixtures.randomSequences(new Random(6007), 3, CONFIG.vocabSize(),
                CONFIG.contextLength());
        try (AcceleratedEngine twin = Fixtures.twinEngine(CONFIG, zeros)) {
            Map<String, Object> metrics = new SftTrainer(twin, examples, TrainingSettings.of(3, 1e-3, 1)).step();
            assertThat((double) metrics.get("loss")).isCloseTo(Math.log(CONFIG.vocabSize()), within(1e-6));
            assertThat(twin.kernelsRunOnOpenCl()).as("%s", twin.kernelExecutions()).isTrue();
        }
    }

    static void compareTrajectories(String run, Trainer reference, Trainer twin, Tolerance tolerance) {
        List<Map<String, Object>> referenceMetrics = new ArrayList<>();
        List<Map<String, Object>> twinMetrics = new ArrayList<>();
        for (int step = 0; step < STEPS; step++) {
            referenceMetrics.add(reference.step());
            twinMetrics.add(twin.step());
        }
        for (String metric : referenceMetrics.get(0).keySet()) {
            if (!(referenceMetrics.get(0).get(metric) instanceof Double) || DISCRETE_METRICS.contains(metric)) {
                continue;
            }
            double[] expected = new double[STEPS];
            double[] actual = new double[STEPS];
            for (int step = 0; step < STEPS; step++) {
                expected[step] = (double) referenceMetrics.get(step).get(metric);
                actual[step] = (double) twinMetrics.get(step).get(metric);
            }
            Differences.assertClose(run + ": " + metric + " over " + STEPS + " steps", expected, actual, tolerance);
        }
    }

    static void assertSameParameters(String quantity, PolicyEngine reference, PolicyEngine twin,
                                             Tolerance tolerance) {
        double[] expected = new double[reference.layout().size()];
        double[] actual = new double[expected.length];
        reference.copyParametersTo(expected);
        twin.copyParametersTo(actual);
        Differences.assertClose(quantity, expected, actual, tolerance);
    }
}
