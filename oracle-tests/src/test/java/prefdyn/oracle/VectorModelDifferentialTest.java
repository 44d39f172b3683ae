package prefdyn.oracle;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import prefdyn.accelerated.kernels.Tolerance;
import prefdyn.reference.fixtures.RandomBatches;
import prefdyn.reference.fixtures.RandomParameters;
import prefdyn.reference.engine.BackwardSeeds;
import prefdyn.reference.engine.ForwardResult;
import prefdyn.reference.engine.PolicyEngine;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.ParameterLayout;
import prefdyn.reference.model.TensorView;
import prefdyn.reference.util.Parallel;
import prefdyn.vector.VectorEngine;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The whole model, reference float64 against the vector engine float32: every per-token output of a ragged batch,
 * the next-token distributions, and the gradient of every parameter tensor after one backward and after a second
 * that accumulates onto it; and the engine's determinism across thread counts. Needs no device: runs everywhere.
 */
class VectorModelDifferentialTest {

    @Property(tries = 40, seed = "6102")
    void outputsAndEveryParameterGradientMatchTheReference(@ForAll("configs") GptConfig config,
                                                           @ForAll long seed) {
        Random random = new Random(seed);
        double[] params = RandomParameters.initializedWithNoise(config, seed, 0.3);
        TokenBatch batch = RandomBatches.raggedBatch(random, config.vocabSize(), 1 + random.nextInt(3), Fixtures.CONTEXT);
        BackwardSeeds seeds = RandomBatches.seeds(random, batch, config);
        compare(config, params, batch, seeds);
    }

    /** The brief's default size (V = 257, C = 64, L = 2, H = 4), two sequences up to T = 64, both heads. */
    @Example
    void theTinyDefaultModelMatchesTheReference() {
        GptConfig config = GptConfig.tinyDefault().withRewardHead(true);
        Random random = new Random(6111);
        double[] params = RandomParameters.initializedWithNoise(config, 6111, 0.05);
        TokenBatch batch = RandomBatches.raggedBatch(random, config.vocabSize(), 2, config.contextLength());
        compare(config, params, batch, RandomBatches.seeds(random, batch, config));
    }

    /** One thread and three give the same bits: outputs, next-token rows and the gradient. */
    @Property(tries = 10, seed = "6112")
    void resultsAreBitIdenticalAtEveryThreadCount(@ForAll("configs") GptConfig config, @ForAll long seed) {
        Random random = new Random(seed);
        double[] params = RandomParameters.initializedWithNoise(config, seed, 0.3);
        TokenBatch batch = RandomBatches.raggedBatch(random, config.vocabSize(), 1 + random.nextInt(4), Fixtures.CONTEXT);
        BackwardSeeds seeds = RandomBatches.seeds(random, batch, config);
        try (Parallel three = new Parallel(3)) {
            VectorEngine one = new VectorEngine(config, params, Parallel.sequential());
            VectorEngine many = new VectorEngine(config, params, three);
            ForwardResult a = one.forward(batch);
            ForwardResult b = many.forward(batch);
            assertThat(b.tokenLogProbs()).isDeepEqualTo(a.tokenLogProbs());
            assertThat(b.entropies()).isDeepEqualTo(a.entropies());
            assertThat(many.nextTokenLogProbs(batch)).isDeepEqualTo(one.nextTokenLogProbs(batch));
            one.backward(seeds);
            many.backward(seeds);
            double[] g1 = new double[one.layout().size()];
            double[] g3 = new double[g1.length];
            one.copyGradientsTo(g1);
            many.copyGradientsTo(g3);
            assertThat(g3).isEqualTo(g1);
        }
    }

    /**
     * Known answer: with every parameter zero, each LayerNorm outputs its bias (0), so every logit is 0 and each
     * prediction is uniform: log-prob −ln V, entropy ln V, max-prob 1/V, values and rewards 0.
     */
    @Example
    void aModelWithAllParametersZeroPredictsTheUniformDistribution() {
        GptConfig config = new GptConfig(7, 6, 2, 2, 4, true, true);
        double[] zeros = new double[new ParameterLayout(config).size()];
        TokenBatch batch = new TokenBatch(new int[][] {{1, 2, 3, 4}, {6, 5, 0, 0}}, new int[] {4, 2},
                new boolean[][] {{false, true, true, true}, {false, true, false, false}});
        ForwardResult result = new VectorEngine(config, zeros, Parallel.sequential()).forward(batch);
        double lnV = Math.log(7);
        for (int b = 0; b < 2; b++) {
            for (int t = 1; t < batch.lengths()[b]; t++) {
                assertThat(result.tokenLogProbs()[b][t]).isCloseTo(-lnV, within(1e-6));
                assertThat(result.entropies()[b][t]).isCloseTo(lnV, within(1e-6));
                assertThat(result.maxProbs()[b][t]).isCloseTo(1.0 / 7, within(1e-7));
            }
            for (int t = 0; t < batch.lengths()[b]; t++) {
                assertThat(result.values()[b][t]).isZero();
                assertThat(result.rewards()[b][t]).isZero();
            }
        }
        assertThat(result.sequenceLogProbs()[0]).isCloseTo(-3 * lnV, within(3e-6));
    }

    @Provide
    Arbitrary<GptConfig> configs() {
        return Fixtures.configs();
    }

    private static void compare(GptConfig config, double[] params, TokenBatch batch, BackwardSeeds seeds) {
        ReferenceEngine reference = Fixtures.referenceEngine(config, params);
        VectorEngine vector = new VectorEngine(config, params, Parallel.sequential());
        assertSameOutputs(reference.forward(batch), vector.forward(batch));
        Differences.assertClose("vector model: nextTokenLogProbs", reference.nextTokenLogProbs(batch),
                vector.nextTokenLogProbs(batch), VectorTolerances.MODEL_NEXT_TOKEN_LOG_PROBS);
        reference.zeroGradients();
        vector.zeroGradients();
        reference.backward(seeds);
        vector.backward(seeds);
        assertSameGradients("vector model: gradient", reference, vector);
        reference.backward(seeds);
        vector.backward(seeds);
        assertSameGradients("vector model: gradient after a second backward", reference, vector);
    }

    static void assertSameOutputs(ForwardResult reference, ForwardResult vector) {
        Differences.assertClose("vector model: tokenLogProbs", reference.tokenLogProbs(), vector.tokenLogProbs(),
                VectorTolerances.MODEL_LOG_PROBS);
        Differences.assertClose("vector model: sequenceLogProbs", reference.sequenceLogProbs(),
                vector.sequenceLogProbs(), VectorTolerances.MODEL_SEQUENCE_LOG_PROBS);
        Differences.assertClose("vector model: entropies", reference.entropies(), vector.entropies(),
                VectorTolerances.MODEL_ENTROPIES);
        Differences.assertClose("vector model: maxProbs", reference.maxProbs(), vector.maxProbs(),
                VectorTolerances.MODEL_MAX_PROBS);
        assertThat(vector.values() == null).isEqualTo(reference.values() == null);
        assertThat(vector.rewards() == null).isEqualTo(reference.rewards() == null);
        if (reference.values() != null) {
            Differences.assertClose("vector model: values", reference.values(), vector.values(),
                    VectorTolerances.MODEL_VALUES);
        }
        if (reference.rewards() != null) {
            Differences.assertClose("vector model: rewards", reference.rewards(), vector.rewards(),
                    VectorTolerances.MODEL_REWARDS);
        }
    }

    /** Tensor by tensor, each against its own max|ref|. */
    static void assertSameGradients(String quantity, PolicyEngine reference, PolicyEngine vector) {
        int size = reference.layout().size();
        double[] expected = new double[size];
        double[] actual = new double[size];
        reference.copyGradientsTo(expected);
        vector.copyGradientsTo(actual);
        Tolerance tolerance = VectorTolerances.MODEL_GRADIENTS;
        for (TensorView view : reference.layout().tensors()) {
            String tensor = view.name().replaceFirst("^h\\.\\d+\\.", "h.*.");
            Differences.assertClose(quantity + " " + tensor, Arrays.copyOfRange(expected, view.offset(), view.end()),
                    Arrays.copyOfRange(actual, view.offset(), view.end()), tolerance);
        }
    }
}
