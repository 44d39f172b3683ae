package prefdyn.reference.dpo;

import org.junit.jupiter.api.Test;
import prefdyn.reference.TestEngines;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.NonFiniteValueException;
import prefdyn.reference.tokenizer.ByteTokenizer;
import prefdyn.reference.train.OneBackwardPassChecks;
import prefdyn.reference.train.StepRecordingEngine;
import prefdyn.reference.train.TrainingSettings;
import prefdyn.reference.util.Parallel;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class DpoTrainerTest {

    /** Small enough that central differences over every parameter take a moment. */
    private static final GptConfig SMALL = new GptConfig(11, 8, 1, 2, 4, false, false);

    private static List<PreferenceExample> smallPairs() {
        return List.of(
                new PreferenceExample(new int[] {1, 2}, new int[] {3, 4}, new int[] {5}),
                new PreferenceExample(new int[] {6}, new int[] {7, 8, 9}, new int[] {10, 0}),
                new PreferenceExample(new int[] {2, 2, 2}, new int[] {1}, new int[] {9, 9}));
    }

    private static ReferenceEngine copyOf(ReferenceEngine engine) {
        ReferenceEngine copy = new ReferenceEngine(new prefdyn.reference.model.GptModel(engine.config(),
                Parallel.sequential()));
        double[] params = new double[engine.layout().size()];
        engine.copyParametersTo(params);
        copy.setParameters(params);
        return copy;
    }

    @Test
    void stepZeroWithPolicyEqualToReferenceHasLossLn2AndZeroRewards() {
        ReferenceEngine policy = TestEngines.noisy(SMALL, 3, 0.3);
        DpoTrainer trainer = DpoTrainer.withReferenceModel(policy, copyOf(policy), smallPairs(),
                DpoSettings.standard(0.1, 5), TrainingSettings.of(3, 1e-3, 1));

        Map<String, Object> metrics = trainer.step();

        assertThat((double) metrics.get("loss")).isEqualTo(Math.log(2.0));
        assertThat((double) metrics.get("rewards/chosen")).isEqualTo(0.0);
        assertThat((double) metrics.get("rewards/rejected")).isEqualTo(0.0);
        assertThat((double) metrics.get("rewards/accuracies")).isEqualTo(0.0); // strict >, as TRL
        assertThat((double) metrics.get("omega/mean")).isEqualTo(0.5);
    }

    /**
     * The gradient the trainer applies equals central differences of the DPO loss itself (−mean log σ(h), not
     * the surrogate) over every policy parameter.
     */
    @Test
    void analyticGradientMatchesFiniteDifferencesOfTheLossItself() {
        ReferenceEngine policy = TestEngines.noisy(SMALL, 5, 0.3);
        ReferenceEngine reference = TestEngines.noisy(SMALL, 6, 0.3);
        DpoSettings settings = DpoSettings.standard(0.7, 5);
        DpoTrainer trainer = DpoTrainer.withReferenceModel(policy, reference, smallPairs(), settings,
                TrainingSettings.of(3, 1e-3, 1));
        assertGradientMatchesFiniteDifferences(policy, trainer);
    }

    /**
     * The gradient of {@code trainer}'s loss at step 0 (its total seeds, backpropagated through {@code policy})
     * equals central differences (h = 1e-5) of the loss over every policy parameter, to 1e-6 of the largest.
     */
    static void assertGradientMatchesFiniteDifferences(ReferenceEngine policy, DpoTrainer trainer) {
        double[] analytic = gradientOf(policy, trainer.evaluate(0).totalSeeds());

        double[] params = new double[analytic.length];
        policy.copyParametersTo(params);
        double[] numeric = new double[analytic.length];
        double h = 1e-5;
        for (int i = 0; i < params.length; i++) {
            double original = params[i];
            params[i] = original + h;
            policy.setParameters(params);
            double plus = trainer.evaluate(0).terms().loss();
            params[i] = original - h;
            policy.setParameters(params);
            double minus = trainer.evaluate(0).terms().loss();
            params[i] = original;
            numeric[i] = (plus - minus) / (2 * h);
        }
        policy.setParameters(params);
        double maxNumeric = 0;
        double maxError = 0;
        for (int i = 0; i < numeric.length; i++) {
            maxNumeric = Math.max(maxNumeric, Math.abs(numeric[i]));
            maxError = Math.max(maxError, Math.abs(analytic[i] - numeric[i]));
        }
        assertThat(maxNumeric).as("the check is not vacuous").isGreaterThan(1e-3);
        assertThat(maxError).isLessThanOrEqualTo(1e-6 * Math.max(1, maxNumeric));
    }

    /** ∇L(standard) = ∇L(positive part) + ∇L(negative part), and = Σ of the three ω-tertile parts, to 1e-12. */
    @Test
    void gradientSplitsExactlyIntoPositiveAndNegativeLearningAndIntoTertiles() {
        ReferenceEngine policy = TestEngines.noisy(SMALL, 7, 0.3);
        DpoTrainer trainer = DpoTrainer.withReferenceModel(policy, TestEngines.noisy(SMALL, 8, 0.3), smallPairs(),
                DpoSettings.standard(0.5, 5), TrainingSettings.of(3, 1e-3, 1));
        assertGradientSplitsExactly(policy, trainer.evaluate(0));
    }

    /**
     * ∇L = ∇L⁺ + ∇L⁻, and = Σ of the three ω-tertile parts, to 1e-12 of the largest component of ∇L, with neither
     * ∇L⁺ nor ∇L⁻ empty (each seed set backpropagated through {@code policy}).
     */
    static void assertGradientSplitsExactly(ReferenceEngine policy, DpoTrainer.Evaluated evaluated) {
        double[] total = gradientOf(policy, evaluated.totalSeeds());
        double[] positive = gradientOf(policy, evaluated.positiveSeeds());
        double[] negative = gradientOf(policy, evaluated.negativeSeeds());
        double[] tertileSum = new double[total.length];
        for (int tertile = 0; tertile < 3; tertile++) {
            double[] part = gradientOf(policy, evaluated.tertileSeeds(tertile));
            for (int i = 0; i < part.length; i++) {
                tertileSum[i] += part[i];
            }
        }

        double scale = 0;
        double positiveScale = 0;
        double negativeScale = 0;
        for (int i = 0; i < total.length; i++) {
            scale = Math.max(scale, Math.abs(total[i]));
            positiveScale = Math.max(positiveScale, Math.abs(positive[i]));
            negativeScale = Math.max(negativeScale, Math.abs(negative[i]));
        }
        assertThat(scale).isGreaterThan(0);
        assertThat(positiveScale).as("positive learning is not empty").isGreaterThan(0);
        assertThat(negativeScale).as("negative learning is not empty").isGreaterThan(0);
        for (int i = 0; i < total.length; i++) {
            assertThat(positive[i] + negative[i]).isCloseTo(total[i], within(1e-12 * scale));
            assertThat(tertileSum[i]).isCloseTo(total[i], within(1e-12 * scale));
        }
    }

    /**
     * Toy task with a known answer: after prompt "q" the preferred continuation is "y", the rejected one "n".
     * DPO must raise π(y | q) from about 1/257 to above ½ within 200 steps.
     */
    @Test
    void toyTaskDpoRaisesThePreferredTokensProbability() {
        assertSolvesTheToyTask(DpoSettings.standard(0.1, 200));
    }

    /** The toy task above under {@code settings} (200 steps of the one pair, lr 1e-2): π(y | q) from < 0.01 to > ½. */
    static void assertSolvesTheToyTask(DpoSettings settings) {
        GptConfig config = new GptConfig(ByteTokenizer.VOCAB_SIZE, 8, 1, 2, 16, false, false);
        ReferenceEngine policy = ReferenceEngine.initialized(config, 21, Parallel.sequential());
        List<PreferenceExample> pairs = List.of(new PreferenceExample(ByteTokenizer.encode("q"),
                ByteTokenizer.encode("y"), ByteTokenizer.encode("n")));
        DpoTrainer trainer = DpoTrainer.withReferenceModel(policy, copyOf(policy), pairs, settings,
                TrainingSettings.of(1, 1e-2, 1));
        double before = probabilityOfYAfterQ(policy);

        for (int step = 0; step < 200; step++) {
            trainer.step();
        }

        assertThat(before).isLessThan(0.01);
        assertThat(probabilityOfYAfterQ(policy)).isGreaterThan(0.5);
    }

    @Test
    void refusesTheReferenceBeingThePolicyAndNamesTheStepOfANonFiniteValue() {
        ReferenceEngine policy = TestEngines.noisy(SMALL, 9, 0.3);
        assertThatThrownBy(() -> DpoTrainer.withReferenceModel(policy, policy, smallPairs(),
                DpoSettings.standard(0.1, 5), TrainingSettings.of(3, 1e-3, 1)))
                .hasMessageContaining("reference model is the policy engine itself");

        double[] poisoned = {-1.0, Double.NaN, -2.0};
        DpoTrainer trainer = new DpoTrainer(policy, smallPairs(), new ReferenceLogProbs(poisoned, new double[] {-1, -1, -1}),
                DpoSettings.standard(0.1, 5), TrainingSettings.of(3, 1e-3, 1));
        assertThatThrownBy(trainer::step).isInstanceOf(NonFiniteValueException.class)
                .hasMessageContaining("step 0").hasMessageContaining("dataset pair 1");
    }

    private static double[] gradientOf(ReferenceEngine engine, prefdyn.reference.engine.BackwardSeeds seeds) {
        engine.zeroGradients();
        engine.backward(seeds);
        double[] gradient = new double[engine.layout().size()];
        engine.copyGradientsTo(gradient);
        return gradient;
    }

    private static double probabilityOfYAfterQ(ReferenceEngine engine) {
        prefdyn.reference.engine.TokenBatch prompt = new prefdyn.reference.engine.TokenBatch(
                new int[][] {ByteTokenizer.encode("q")}, new int[] {1}, new boolean[][] {{false}});
        return Math.exp(engine.nextTokenLogProbs(prompt)[0]['y']);
    }

    /**
     * One backward pass of the summed seeds (the default) against the two passes of
     * {@link TrainingSettings#componentNorms}: one pass per step instead of two; step 0's gradient is exactly the
     * gradient of the summed seeds, and equals g⁺ + g⁻ up to rounding; the loss and every metric agree to 1e-12
     * relative at each of three steps; the parameters after them agree to {@link #ONE_PASS_PARAMETERS} while each
     * run has moved them by more than a thousand times that.
     */
    @Test
    void oneBackwardPassPerStepGivesTheTwoPassStepUpToRounding() {
        ReferenceEngine reference = TestEngines.noisy(SMALL, 6, 0.3);
        StepRecordingEngine one = new StepRecordingEngine(TestEngines.noisy(SMALL, 5, 0.3));
        StepRecordingEngine two = new StepRecordingEngine(TestEngines.noisy(SMALL, 5, 0.3));
        double[] start = OneBackwardPassChecks.parameters(one);
        DpoSettings dpo = DpoSettings.standard(0.7, 5);
        TrainingSettings training = TrainingSettings.of(3, 1e-2, 1);
        assertThat(training.componentNorms()).as("one backward pass is the default").isFalse();
        DpoTrainer single = DpoTrainer.withReferenceModel(one, reference, smallPairs(), dpo, training);
        DpoTrainer split = DpoTrainer.withReferenceModel(two, reference, smallPairs(), dpo,
                training.withComponentNorms(true));

        // the gradient of step 0's summed seeds, from a third engine at θ(0)
        ReferenceEngine fresh = TestEngines.noisy(SMALL, 5, 0.3);
        DpoTrainer.Evaluated evaluated = DpoTrainer.withReferenceModel(fresh, reference, smallPairs(), dpo, training)
                .evaluate(0);
        fresh.zeroGradients();
        fresh.backward(evaluated.totalSeeds());
        double[] summed = new double[fresh.layout().size()];
        fresh.copyGradientsTo(summed);

        for (int step = 0; step < 3; step++) {
            Map<String, Object> onePass = single.step();
            Map<String, Object> twoPasses = split.step();
            assertThat(one.backwardCalls()).isEqualTo(step + 1);
            assertThat(two.backwardCalls()).isEqualTo(2 * (step + 1));
            OneBackwardPassChecks.assertSameMetrics(onePass, twoPasses, 1e-12, "step " + step);
        }
        assertThat(one.gradients().get(0)).containsExactly(summed);
        double gradientScale = Arrays.stream(summed).map(Math::abs).max().orElseThrow();
        assertThat(gradientScale).isGreaterThan(1e-3);
        assertThat(OneBackwardPassChecks.maxAbsDifference(two.gradients().get(0), summed))
                .isLessThanOrEqualTo(1e-14 * gradientScale);
        double[] onePassEnd = OneBackwardPassChecks.parameters(one);
        double[] twoPassEnd = OneBackwardPassChecks.parameters(two);
        double difference = OneBackwardPassChecks.maxAbsDifference(onePassEnd, twoPassEnd);
        assertThat(difference).isLessThanOrEqualTo(ONE_PASS_PARAMETERS);
        assertThat(OneBackwardPassChecks.maxAbsDifference(onePassEnd, start)).isGreaterThan(1e3 * ONE_PASS_PARAMETERS);
        assertThat(OneBackwardPassChecks.maxAbsDifference(twoPassEnd, start)).isGreaterThan(1e3 * ONE_PASS_PARAMETERS);
    }

    /**
     * The most two runs' parameters may differ after three AdamW steps at lr 1e-2 that differ only in rounding
     * (measured: 1.6e-11; Adam divides by √v, so an element whose gradient is mostly cancellation moves by a
     * rounding-sized gradient's full step).
     */
    private static final double ONE_PASS_PARAMETERS = 1e-10;
}
