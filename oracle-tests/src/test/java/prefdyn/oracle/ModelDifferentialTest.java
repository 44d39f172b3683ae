package prefdyn.oracle;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import prefdyn.accelerated.AcceleratedEngine;
import prefdyn.accelerated.kernels.Tolerance;
import prefdyn.accelerated.check.Tolerances;
import prefdyn.reference.engine.BackwardSeeds;
import prefdyn.reference.engine.ForwardResult;
import prefdyn.reference.engine.PolicyEngine;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.fixtures.RandomBatches;
import prefdyn.reference.fixtures.RandomParameters;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.ParameterLayout;
import prefdyn.reference.model.TensorView;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The whole model, reference float64 against the twin float32 on OpenCL: every per-token output of a ragged batch,
 * the next-token distributions, and the gradient of every parameter tensor, after one backward and after a second
 * one that accumulates onto it.
 */
@AddLifecycleHook(RequiresOpenCl.class)
class ModelDifferentialTest {

    @Property(tries = 24, seed = "6002")
    void outputsAndEveryParameterGradientMatchTheReference(@ForAll("configs") GptConfig config,
                                                           @ForAll long seed) {
        Random random = new Random(seed);
        double[] params = RandomParameters.initializedWithNoise(config, seed, 0.3);
        TokenBatch batch = RandomBatches.raggedBatch(random, config.vocabSize(), 1 + random.nextInt(3), Fixtures.CONTEXT);
        BackwardSeeds seeds = RandomBatches.seeds(random, batch, config);
        ReferenceEngine reference = Fixtures.referenceEngine(config, params);
        try (AcceleratedEngine twin = Fixtures.twinEngine(config, params)) {
            assertSameOutputs(reference.forward(batch), twin.forward(batch));
            Differences.assertClose("model: nextTokenLogProbs", reference.nextTokenLogProbs(batch),
                    twin.nextTokenLogProbs(batch), Tolerances.MODEL_NEXT_TOKEN_LOG_PROBS);

            reference.zeroGradients();
            twin.zeroGradients();
            reference.backward(seeds);
            twin.backward(seeds);
            assertSameGradients("model: gradient", reference, twin);
            reference.backward(seeds);
            twin.backward(seeds);
            assertSameGradients("model: gradient after a second backward", reference, twin);

            assertThat(twin.kernelsRunOnOpenCl()).as("%s", twin.kernelExecutions()).isTrue();
        }
    }

    /**
     * The same kernels run as plain Java float code (Aparapi's thread pool, no OpenCL) against the OpenCL run: what
     * the device adds beyond float32 rounding. On PoCL the two agree to the bit; a GPU that fuses a·b + c into one
     * rounding, or has other exp/log/tanh/division roundings, differs by a few float ulps.
     */
    @Property(tries = 6, seed = "6012")
    void theOpenClTwinMatchesItsOwnKernelsRunAsJavaFloatCode(@ForAll("configs") GptConfig config, @ForAll long seed) {
        Random random = new Random(seed);
        double[] params = RandomParameters.initializedWithNoise(config, seed, 0.3);
        TokenBatch batch = RandomBatches.raggedBatch(random, config.vocabSize(), 1 + random.nextInt(3), Fixtures.CONTEXT);
        BackwardSeeds seeds = RandomBatches.seeds(random, batch, config);
        try (AcceleratedEngine twin = Fixtures.twinEngine(config, params);
             AcceleratedEngine javaFloat = AcceleratedEngine.onJavaThreads(config, params)) {
            ForwardResult expected = javaFloat.forward(batch);
            ForwardResult actual = twin.forward(batch);
            Differences.assertClose("OpenCL vs Java float: tokenLogProbs", expected.tokenLogProbs(),
                    actual.tokenLogProbs(), Tolerances.OPENCL_VS_JAVA_FLOAT);
            javaFloat.zeroGradients();
            twin.zeroGradients();
            javaFloat.backward(seeds);
            twin.backward(seeds);
            double[] javaGradient = new double[twin.layout().size()];
            double[] twinGradient = new double[javaGradient.length];
            javaFloat.copyGradientsTo(javaGradient);
            twin.copyGradientsTo(twinGradient);
            Differences.assertClose("OpenCL vs Java float: gradient", javaGradient, twinGradient,
                    Tolerances.OPENCL_VS_JAVA_FLOAT);
            assertThat(twin.kernelsRunOnOpenCl()).as("%s", twin.kernelExecutions()).isTrue();
            assertThat(javaFloat.kernelsRunOnOpenCl()).as("the comparison ran in Java").isFalse();
        }
    }

    /** The tiny default size (V = 257 bytes + end-of-text, C = 64, L = 2, H = 4), two sequences up to T = 64. */
    @Example
    void theTinyDefaultModelMatchesTheReference() {
        GptConfig config = GptConfig.tinyDefault().withRewardHead(true);
        Random random = new Random(6011);
        double[] params = RandomParameters.initializedWithNoise(config, 6011, 0.05);
        TokenBatch batch = RandomBatches.raggedBatch(random, config.vocabSize(), 2, config.contextLength());
        BackwardSeeds seeds = RandomBatches.seeds(random, batch, config);
        ReferenceEngine reference = Fixtures.referenceEngine(config, params);
        try (AcceleratedEngine twin = Fixtures.twinEngine(config, params)) {
            assertSameOutputs(reference.forward(batch), twin.forward(batch));
            reference.zeroGradients();
            twin.zeroGradients();
            reference.backward(seeds);
            twin.backward(seeds);
            assertSameGradients("model: gradient", reference, twin);
            assertThat(twin.kernelsRunOnOpenCl()).as("%s", twin.kernelExecutions()).isTrue();
        }
    }

    @Provide
    Arbitrary<GptConfig> configs() {
        return Fixtures.configs();
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
        try (AcceleratedEngine twin = Fixtures.twinEngine(config, zeros)) {
            ForwardResult result = twin.forward(batch);
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
            assertThat(twin.kernelsRunOnOpenCl()).as("%s", twin.kernelExecutions()).isTrue();
        }
    }

    static void assertSameOutputs(ForwardResult reference, ForwardResult twin) {
        Differences.assertClose("model: tokenLogProbs", reference.tokenLogProbs(), twin.tokenLogProbs(),
                Tolerances.MODEL_LOG_PROBS);
        Differences.assertClose("model: sequenceLogProbs", reference.sequenceLogProbs(), twin.sequenceLogProbs(),
                Tolerances.MODEL_SEQUENCE_LOG_PROBS);
        Differences.assertClose("model: entropies", reference.entropies(), twin.entropies(),
                Tolerances.MODEL_ENTROPIES);
        Differences.assertClose("model: maxProbs", reference.maxProbs(), twin.maxProbs(), Tolerances.MODEL_MAX_PROBS);
        assertThat(twin.values() == null).isEqualTo(reference.values() == null);
        assertThat(twin.rewards() == null).isEqualTo(reference.rewards() == null);
        if (reference.values() != null) {
            Differences.assertClose("model: values", reference.values(), twin.values(), Tolerances.MODEL_VALUES);
        }
        if (reference.rewards() != null) {
            Differences.assertClose("model: rewards", reference.rewards(), twin.rewards(), Tolerances.MODEL_REWARDS);
        }
    }

    /** Compares tensor by tensor, each against its own max|ref|, so a small tensor is not hidden by a large one. */
    static void assertSameGradients(String quantity, PolicyEngine reference, PolicyEngine twin) {
        int size = reference.layout().size();
        double[] expected = new double[size];
        double[] actual = new double[size];
        reference.copyGradientsTo(expected);
        twin.copyGradientsTo(actual);
        Tolerance tolerance = Tolerances.MODEL_GRADIENTS;
        for (TensorView view : reference.layout().tensors()) {
            String tensor = view.name().replaceFirst("^h\\.\\d+\\.", "h.*.");
            Differences.assertClose(quantity + " " + tensor, Arrays.copyOfRange(expected, view.offset(), view.end()),
                    Arrays.copyOfRange(actual, view.offset(), view.end()), tolerance);
        }
    }
}
