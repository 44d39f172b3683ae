package prefdyn.accelerated;

import org.junit.jupiter.api.Test;
import prefdyn.accelerated.kernels.Tolerance;
import prefdyn.accelerated.check.Tolerances;
import prefdyn.accelerated.kernels.FallbackPolicy;
import prefdyn.accelerated.kernels.OpenClDevices;
import prefdyn.reference.engine.BackwardSeeds;
import prefdyn.reference.engine.RecomputingSession;
import prefdyn.reference.engine.SamplingSession;
import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.GptInitializer;
import prefdyn.reference.model.ParameterLayout;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The twin's KV-cached session against the twin's own recomputing session on hand-picked runs: the same
 * distributions at every step (bit for bit on PoCL, see {@link #cachedStepsEqualTheRecomputedOnesBitForBit}),
 * whatever forwards, backwards and {@code nextTokenLogProbs} calls run between the steps, and the protocol errors.
 * The differential test against the reference is oracle-tests' {@code TwinKvCacheDifferentialTest}.
 */
class TwinKvCachedSessionTest {

    private static final GptConfig CONFIG = new GptConfig(11, 8, 2, 2, 8, false, false);

    private static AcceleratedEngine engine() {
        ParameterLayout layout = new ParameterLayout(CONFIG);
        double[] params = new double[layout.size()];
        GptInitializer.initialize(layout, params, 7);
        Random random = new Random(7);
        for (int i = 0; i < params.length; i++) {
            params[i] += 0.3 * random.nextGaussian(); // non-trivial gains and biases
        }
        return OpenClDevices.available() ? new AcceleratedEngine(CONFIG, params, FallbackPolicy.FAIL_FAST)
                : AcceleratedEngine.onJavaThreads(CONFIG, params);
    }

    /**
     * Three ragged prompts, row 2 joining at step 1 (a step that mixes a prompt pass with cached rows) and row 1
     * finishing after step 2; a training forward and backward, and a recomputing pass, run between the steps. On
     * PoCL the cached log-probs are the recomputed ones to the bit: every position goes through the same kernel
     * bodies (linear, LayerNorm, GELU and the residual per row; attendOneQuery and attentionForward share
     * attendQuery) on the same keys and values.
     */
    @Test
    void cachedStepsEqualTheRecomputedOnesBitForBit() {
        List<int[]> prompts = List.of(new int[] {1, 2, 3}, new int[] {4}, new int[] {5, 6, 7, 8, 9});
        try (AcceleratedEngine engine = engine()) {
            SamplingSession cached = engine.startSampling(prompts);
            SamplingSession recomputed = new RecomputingSession(engine, prompts);
            assertThat(cached).isInstanceOf(TwinKvCachedSession.class);
            int[][] asked = {{0, 1}, {0, 1, 2}, {0, 1, 2}, {2, 0}};
            int compared = 0;
            for (int step = 0; step < asked.length; step++) {
                double[][] expected = recomputed.nextTokenLogProbs(asked[step]);
                // work between the steps that must leave the device's KV cache alone
                engine.forward(new TokenBatch(new int[][] {{3, 1, 4, 1, 5, 9, 2, 6}}, new int[] {8},
                        new boolean[][] {{false, true, true, true, true, true, true, true}}));
                engine.backward(BackwardSeeds.ofTokenLogProbs(new double[][] {{0, 1, 1, 1, 1, 1, 1, 1}}));
                double[][] actual = cached.nextTokenLogProbs(asked[step]);
                for (int k = 0; k < asked[step].length; k++) {
                    int row = asked[step][k];
                    assertSame(actual[k], expected[k], "step " + step + ", row " + row);
                    int token = (3 * step + 5 * row) % CONFIG.vocabSize();
                    cached.append(row, token);
                    recomputed.append(row, token);
                    compared++;
                }
            }
            assertThat(compared).isEqualTo(10);
        }
    }

    /**
     * Bit for bit on a CPU OpenCL device (PoCL, what CI runs) and on Java threads. A GPU's compiler may contract
     * attendOneQuery's and attentionForward's arithmetic differently (fused multiply-add), so there the two are held
     * to the float32 bound of next-token log-probs instead.
     */
    private static void assertSame(double[] actual, double[] expected, String where) {
        if (OpenClDevices.bestIsGpu()) {
            Tolerance tolerance = Tolerances.MODEL_NEXT_TOKEN_LOG_PROBS;
            double scale = 0;
            for (double value : expected) {
                scale = Math.max(scale, Math.abs(value));
            }
            for (int v = 0; v < expected.length; v++) {
                assertThat(Math.abs(actual[v] - expected[v])).as("%s, token %d", where, v)
                        .isLessThanOrEqualTo(tolerance.bound(scale));
            }
        } else {
            assertThat(actual).as(where).containsExactly(expected);
        }
    }

    @Test
    void aSessionThrowsOnceANewerOneOwnsTheCacheAndAtTheContextLength() {
        try (AcceleratedEngine engine = engine()) {
            SamplingSession older = engine.startSampling(List.of(new int[] {1, 2, 3, 4, 5, 6, 7}));
            older.nextTokenLogProbs(new int[] {0});
            older.append(0, 1);
            older.nextTokenLogProbs(new int[] {0}); // position 7: the last the context holds
            older.append(0, 2);
            assertThatThrownBy(() -> older.nextTokenLogProbs(new int[] {0}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("a sequence of length 9 exceeds the context length 8");

            SamplingSession first = engine.startSampling(List.of(new int[] {1}));
            first.nextTokenLogProbs(new int[] {0});
            first.append(0, 2);
            engine.startSampling(List.of(new int[] {3}));
            assertThatThrownBy(() -> first.nextTokenLogProbs(new int[] {0}))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("newer session");
        }
    }
}
