package prefdyn.oracle;

import net.jqwik.api.Example;
import prefdyn.reference.fixtures.RandomParameters;
import prefdyn.reference.data.PromptResponse;
import prefdyn.reference.dpo.DpoSettings;
import prefdyn.reference.dpo.DpoTrainer;
import prefdyn.reference.dpo.PreferenceExample;
import prefdyn.reference.dynamics.GradientAlignment;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.grpo.GroupSettings;
import prefdyn.reference.grpo.GrpoConfig;
import prefdyn.reference.grpo.GrpoTrainer;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.ParameterLayout;
import prefdyn.reference.ppo.PpoConfig;
import prefdyn.reference.ppo.PpoTrainer;
import prefdyn.reference.ppo.RewardFunction;
import prefdyn.reference.sft.SftTrainer;
import prefdyn.reference.train.TrainingSettings;
import prefdyn.reference.util.Parallel;
import prefdyn.vector.VectorEngine;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The real trainers ({@code SftTrainer}, {@code DpoTrainer}, {@code PpoTrainer}, {@code GrpoTrainer}, unchanged)
 * and G ({@code GradientAlignment}) on the reference engine and on the vector engine from the same parameters, as
 * {@link TrainingTrajectoryTest} and {@link GradientAlignmentDifferentialTest} run them for the twin: every
 * numeric metric of every step, the parameters at the end, and every component of G.
 */
class VectorTrainingDifferentialTest {

    private static final GptConfig CONFIG = new GptConfig(13, 10, 2, 2, 8, false, false);
    private static final int STEPS = TrainingTrajectoryTest.STEPS;
    /** The sampling runs' (PPO, GRPO) model, prompts and reward: 1 when a response starts with token 5. */
    private static final GptConfig SAMPLING_CONFIG = new GptConfig(16, 8, 1, 2, 8, false, false);
    private static final List<int[]> PROMPTS = List.of(new int[] {1, 2}, new int[] {3}, new int[] {4, 7, 2},
            new int[] {9, 9});
    private static final RewardFunction FIRST_TOKEN_IS_FIVE = sequences -> sequences.stream()
            .mapToDouble(sequence -> sequence.response()[0] == 5 ? 1.0 : 0.0).toArray();

    private static VectorEngine vector(GptConfig config, double[] params) {
        return new VectorEngine(config, params, Parallel.sequential());
    }

    /** GRPO: groups of 4 completions of 3 tokens, generation batches of 8, β 0.04, lr 3e-3. */
    private static GrpoConfig grpo(int iterations, long seed) {
        return GrpoConfig.of(GroupSettings.grpoDefaults().numGenerations(4).generationBatchSize(8)
                .maxCompletionLength(3).numIterations(iterations).learningRate(3e-3).seed(seed).build())
                .withBeta(0.04);
    }

    @Example
    void sftStepsFollowTheReferenceTrajectory() {
        Random random = new Random(6103);
        List<PromptResponse> examples = Fixtures.randomSequences(random, 9, CONFIG.vocabSize(), CONFIG.contextLength());
        TrainingSettings training = TrainingSettings.of(3, 3e-3, 11);
        double[] params = RandomParameters.initializedWithNoise(CONFIG, 6103, 0.1);
        ReferenceEngine reference = Fixtures.referenceEngine(CONFIG, params);
        VectorEngine engine = vector(CONFIG, params);
        TrainingTrajectoryTest.compareTrajectories("vector sft", new SftTrainer(reference, examples, training),
                new SftTrainer(engine, examples, training), VectorTolerances.SFT_METRICS);
        TrainingTrajectoryTest.assertSameParameters("vector sft: parameters after " + STEPS + " steps", reference,
                engine, VectorTolerances.SFT_PARAMETERS);
    }

    @Example
    void dpoStepsFollowTheReferenceTrajectory() {
        Random random = new Random(6104);
        List<PreferenceExample> pairs = Fixtures.randomPairs(random, 9, CONFIG.vocabSize(), CONFIG.contextLength());
        TrainingSettings training = TrainingSettings.of(3, 3e-3, 12);
        DpoSettings dpo = DpoSettings.standard(0.5, STEPS);
        double[] policyParams = RandomParameters.initializedWithNoise(CONFIG, 6104, 0.2);
        double[] referenceParams = RandomParameters.initializedWithNoise(CONFIG, 6105, 0.2);
        ReferenceEngine reference = Fixtures.referenceEngine(CONFIG, policyParams);
        VectorEngine engine = vector(CONFIG, policyParams);
        DpoTrainer referenceTrainer = DpoTrainer.withReferenceModel(reference,
                Fixtures.referenceEngine(CONFIG, referenceParams), pairs, dpo, training);
        DpoTrainer vectorTrainer = DpoTrainer.withReferenceModel(engine, vector(CONFIG, referenceParams), pairs, dpo,
                training);
        TrainingTrajectoryTest.compareTrajectories("vector dpo", referenceTrainer, vectorTrainer,
                VectorTolerances.DPO_METRICS);
        TrainingTrajectoryTest.assertSameParameters("vector dpo: parameters after " + STEPS + " steps", reference,
                engine, VectorTolerances.DPO_PARAMETERS);
    }

    /** PPO with sampled rollouts (the vector engine's KV-cached session), a critic, the frozen reference's KL. */
    @Example
    void ppoStepsFollowTheReferenceTrajectory() {
        GptConfig config = SAMPLING_CONFIG;
        PpoConfig ppo = PpoConfig.builder().batchSize(8).numMiniBatches(2).responseLength(3).learningRate(3e-3)
                .seed(6113).build();
        double[] policyParams = RandomParameters.initializedWithNoise(config, 6113, 0.2);
        double[] criticParams = RandomParameters.initializedWithNoise(config.withValueHead(true), 6114, 0.2);
        ReferenceEngine policy = Fixtures.referenceEngine(config, policyParams);
        VectorEngine vectorPolicy = vector(config, policyParams);
        PpoTrainer referenceTrainer = new PpoTrainer(policy, Fixtures.referenceEngine(config, policyParams),
                Fixtures.referenceEngine(config.withValueHead(true), criticParams), FIRST_TOKEN_IS_FIVE, PROMPTS, ppo);
        PpoTrainer vectorTrainer = new PpoTrainer(vectorPolicy, vector(config, policyParams),
                vector(config.withValueHead(true), criticParams), FIRST_TOKEN_IS_FIVE, PROMPTS, ppo);
        TrainingTrajectoryTest.compareTrajectories("vector ppo", referenceTrainer, vectorTrainer,
                VectorTolerances.PPO_METRICS);
        TrainingTrajectoryTest.assertSameParameters("vector ppo: parameters after " + STEPS + " steps", policy,
                vectorPolicy, VectorTolerances.PPO_PARAMETERS);
    }

    /**
     * GRPO with the real trainer, as {@link TrainingTrajectoryTest} runs it for the twin: groups of 4 completions per
     * prompt sampled through {@code nextTokenLogProbs} (the same seeded draws on both engines), group-normalised
     * advantages, the k3 KL term against the frozen reference (β 0.04), 2 updates per generation batch so that the
     * second update's ratios differ from 1. The same tolerances as PPO's.
     */
    @Example
    void grpoStepsFollowTheReferenceTrajectory() {
        GptConfig config = SAMPLING_CONFIG;
        GrpoConfig grpo = grpo(2, 6115);
        double[] policyParams = RandomParameters.initializedWithNoise(config, 6115, 0.2);
        ReferenceEngine policy = Fixtures.referenceEngine(config, policyParams);
        VectorEngine vectorPolicy = vector(config, policyParams);
        GrpoTrainer referenceTrainer = new GrpoTrainer(policy, Fixtures.referenceEngine(config, policyParams),
                FIRST_TOKEN_IS_FIVE, PROMPTS, grpo);
        GrpoTrainer vectorTrainer = new GrpoTrainer(vectorPolicy, vector(config, policyParams), FIRST_TOKEN_IS_FIVE,
                PROMPTS, grpo);
        TrainingTrajectoryTest.compareTrajectories("vector grpo", referenceTrainer, vectorTrainer,
                VectorTolerances.PPO_METRICS);
        TrainingTrajectoryTest.assertSameParameters("vector grpo: parameters after " + STEPS + " steps", policy,
                vectorPolicy, VectorTolerances.PPO_PARAMETERS);
    }

    /**
     * Known answer beside the GRPO trajectory: at the first step, with one update per generation batch and the
     * policy equal to the frozen reference, every token's k3 term exp(r − lp) − (r − lp) − 1 is exp(0) − 0 − 1 = 0
     * and every ratio exp(lp − lp_old) is exp(0) = 1, inside the clip range, so kl and every clip fraction are
     * exactly 0: two vector engines with the same parameters compute the same bits.
     */
    @Example
    void grpoStepZeroWithPolicyEqualToReferenceHasZeroKlAndNoClipping() {
        GptConfig config = SAMPLING_CONFIG;
        GrpoConfig grpo = grpo(1, 6116);
        double[] params = RandomParameters.initializedWithNoise(config, 6116, 0.2);
        GrpoTrainer trainer = new GrpoTrainer(vector(config, params), vector(config, params), FIRST_TOKEN_IS_FIVE,
                PROMPTS, grpo);
        Map<String, Object> metrics = trainer.step();
        assertThat((double) metrics.get("kl")).isEqualTo(0.0);
        assertThat((double) metrics.get("clip_ratio/low_mean")).isEqualTo(0.0);
        assertThat((double) metrics.get("clip_ratio/high_mean")).isEqualTo(0.0);
        assertThat((double) metrics.get("clip_ratio/region_mean")).isEqualTo(0.0);
        assertThat((double) metrics.get("beta")).isEqualTo(0.04);
    }

    /**
     * Known answer: at step 0 with the policy equal to the reference model, h = 0 for every pair, so the loss is
     * ln 2 and the implicit rewards are 0 — exactly, because two vector engines with the same parameters compute
     * the same bits.
     */
    @Example
    void dpoStepZeroWithPolicyEqualToReferenceHasLossLn2AndZeroRewards() {
        Random random = new Random(6106);
        List<PreferenceExample> pairs = Fixtures.randomPairs(random, 4, CONFIG.vocabSize(), CONFIG.contextLength());
        double[] params = RandomParameters.initializedWithNoise(CONFIG, 6106, 0.2);
        DpoTrainer trainer = DpoTrainer.withReferenceModel(vector(CONFIG, params), vector(CONFIG, params), pairs,
                DpoSettings.standard(0.1, 3), TrainingSettings.of(4, 1e-3, 1));
        Map<String, Object> metrics = trainer.step();
        assertThat((double) metrics.get("loss")).isEqualTo(Math.log(2.0));
        assertThat((double) metrics.get("rewards/chosen")).isEqualTo(0.0);
        assertThat((double) metrics.get("rewards/rejected")).isEqualTo(0.0);
        assertThat((double) metrics.get("omega/mean")).isEqualTo(0.5);
    }

    /** Known answer: a model with all parameters zero predicts uniformly, so the first SFT loss is ln V. */
    @Example
    void sftLossOfTheUniformModelIsLnV() {
        double[] zeros = new double[new ParameterLayout(CONFIG).size()];
        List<PromptResponse> examples = Fixtures.randomSequences(new Random(6107), 3, CONFIG.vocabSize(),
                CONFIG.contextLength());
        Map<String, Object> metrics = new SftTrainer(vector(CONFIG, zeros), examples,
                TrainingSettings.of(3, 1e-3, 1)).step();
        assertThat((double) metrics.get("loss")).isCloseTo(Math.log(CONFIG.vocabSize()), within(1e-6));
    }

    @Example
    void gAndItsComponentsMatchTheReference() {
        Random random = new Random(6108);
        GptConfig config = new GptConfig(11, 10, 2, 2, 8, false, false);
        List<PreferenceExample> pairs = Fixtures.randomPairs(random, 6, config.vocabSize(), config.contextLength());
        List<PromptResponse> targets = Fixtures.randomSequences(random, 3, config.vocabSize(), config.contextLength());
        double[] policyParams = RandomParameters.initializedWithNoise(config, 6108, 0.2);
        double[] referenceParams = RandomParameters.initializedWithNoise(config, 6109, 0.2);
        DpoSettings dpo = DpoSettings.standard(0.5, 10);
        TrainingSettings training = TrainingSettings.of(6, 1e-3, 7);
        ReferenceEngine reference = Fixtures.referenceEngine(config, policyParams);
        DpoTrainer referenceTrainer = DpoTrainer.withReferenceModel(reference,
                Fixtures.referenceEngine(config, referenceParams), pairs, dpo, training);
        VectorEngine engine = vector(config, policyParams);
        DpoTrainer vectorTrainer = DpoTrainer.withReferenceModel(engine, vector(config, referenceParams), pairs, dpo,
                training);

        GradientAlignment.Target referenceTarget = GradientAlignment.targetGradient(reference, targets,
                GradientAlignment.TargetAverage.PER_SEQUENCE, 2);
        GradientAlignment.Target vectorTarget = GradientAlignment.targetGradient(engine, targets,
                GradientAlignment.TargetAverage.PER_SEQUENCE, 2);
        Differences.assertClose("vector G: target NLL", referenceTarget.nll(), vectorTarget.nll(),
                VectorTolerances.MODEL_SEQUENCE_LOG_PROBS);
        Differences.assertClose("vector G: target gradient g′", referenceTarget.gradient(), vectorTarget.gradient(),
                VectorTolerances.MODEL_GRADIENTS);
        Map<String, Double> expected = GradientAlignment.measure(reference, referenceTarget.gradient(),
                referenceTrainer.componentSeeds());
        Map<String, Double> actual = GradientAlignment.measure(engine, vectorTarget.gradient(),
                vectorTrainer.componentSeeds());
        assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
        GradientAlignmentDifferentialTest.compareFamily("vector G: G/total, positive, negative and tertiles",
                expected, actual, name -> name.startsWith("G/") && !name.startsWith("G/group/")
                        && !name.startsWith("G/cosine/"), VectorTolerances.G);
        GradientAlignmentDifferentialTest.compareFamily("vector G: G per parameter group", expected, actual,
                name -> name.startsWith("G/group/"), VectorTolerances.G);
        GradientAlignmentDifferentialTest.compareFamily("vector G: cosines", expected, actual,
                name -> name.startsWith("G/cosine/"), VectorTolerances.G_COSINES);
        GradientAlignmentDifferentialTest.compareFamily("vector G: gradient norms", expected, actual,
                name -> name.contains("grad_norm"), VectorTolerances.G_NORMS);
    }
}
