package prefdyn.oracle;

import net.jqwik.api.Example;
import prefdyn.reference.optim.AdamWSettings;
import prefdyn.reference.util.Parallel;
import prefdyn.vector.layers.Gelu;
import prefdyn.vector.layers.LayerNorm;
import prefdyn.vector.layers.Linear;
import prefdyn.vector.layers.LogSoftmax;
import prefdyn.vector.optim.AdamW;
import prefdyn.vector.optim.GradientClipping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Hand-computed answers for the vector engine's layers, beside {@link VectorKernelPairTest}'s random shapes. */
class VectorKernelKnownAnswerTest {

    private static final Parallel ONE = Parallel.sequential();

    /** [1 2; 3 4] · [1 0 2; 0 1 1] + [10 20 30] = [11 22 34; 13 24 40], and its backward with dout = 1. */
    @Example
    void aTwoByTwoLinearLayerAndItsGradients() {
        float[] params = {1, 0, 2, 0, 1, 1, 10, 20, 30};  // weight [2,3], bias [3]
        float[] inp = {1, 2, 3, 4};
        float[] out = new float[6];
        Linear.linearForward(ONE, out, inp, params, 0, 6, 2, 2, 3);
        assertThat(out).containsExactly(11, 22, 34, 13, 24, 40);
        float[] dinp = new float[4];
        float[] grads = new float[9];
        Linear.linearBackward(ONE, dinp, grads, new float[] {1, 1, 1, 1, 1, 1}, inp, params, 0, 6, 2, 2, 3);
        assertThat(dinp).containsExactly(3, 2, 3, 2);               // row sums of the weight
        assertThat(grads).containsExactly(4, 4, 4, 6, 6, 6, 2, 2, 2); // column sums of inp; N for the bias
    }

    /** The row (1, 3) has mean 2 and variance 1, so it normalises to (−1, 1)·rstd·√1 before w and b. */
    @Example
    void layerNormOfATwoChannelRow() {
        float[] params = {2, 3, 0.5f, -0.5f};                        // weight, bias
        float[] out = new float[2];
        float[] mean = new float[1];
        float[] rstd = new float[1];
        LayerNorm.layerNormForward(ONE, out, mean, rstd, new float[] {1, 3}, params, 0, 2, 1, 2, 1e-5);
        float s = (float) (1 / Math.sqrt(1 + 1e-5));
        assertThat(mean[0]).isEqualTo(2f);
        assertThat(rstd[0]).isCloseTo(s, within(1e-7f));
        assertThat(out[0]).isCloseTo(-2 * s + 0.5f, within(1e-6f));
        assertThat(out[1]).isCloseTo(3 * s - 0.5f, within(1e-6f));
    }

    /** Equal logits give −ln V everywhere, for V across several vector lengths and a masked tail. */
    @Example
    void logSoftmaxOfEqualLogitsIsMinusLnV() {
        int V = 50;
        float[] logits = new float[V];
        java.util.Arrays.fill(logits, 7.5f);
        float[] logProbs = new float[V];
        LogSoftmax.logSoftmaxForward(ONE, logProbs, logits, 1, V);
        for (float logProb : logProbs) {
            assertThat(logProb).isCloseTo((float) -Math.log(V), within(1e-6f));
        }
    }

    /** gelu(0) = 0, gelu(x) → x for large x and → 0 for very negative x; gelu'(0) = ½. */
    @Example
    void geluAtItsLandmarks() {
        float[] out = new float[3];
        float[] inp = {0f, 20f, -20f};
        Gelu.geluForward(ONE, out, inp, 3);
        assertThat(out[0]).isZero();
        assertThat(out[1]).isEqualTo(20f);
        assertThat(out[2]).isCloseTo(0f, within(1e-30f));
        float[] dinp = new float[3];
        Gelu.geluBackward(ONE, dinp, inp, new float[] {1, 1, 1}, 3);
        assertThat(dinp[0]).isEqualTo(0.5f);
        assertThat(dinp[1]).isEqualTo(1f);
    }

    /** AdamW's first step without decay moves each parameter by lr·g/(|g| + ε) ≈ lr·sign(g). */
    @Example
    void theFirstAdamWStepMovesEachParameterByTheLearningRate() {
        int P = 37;                                                     // two vectors and a scalar tail
        float[] params = new float[P];
        float[] grads = new float[P];
        for (int i = 0; i < P; i++) {
            grads[i] = i % 2 == 0 ? 0.5f : -2f;
        }
        AdamW.step(params, grads, new float[P], new float[P], new boolean[P], 1,
                new AdamWSettings(0.9, 0.999, 1e-8, 0.0), 1e-3);
        for (int i = 0; i < P; i++) {
            assertThat(params[i]).isCloseTo(i % 2 == 0 ? -1e-3f : 1e-3f, within(1e-9f));
        }
    }

    /** The norm of (3, 4, 0, …) is 5; clipping to 1 scales it to (0.6, 0.8, 0, …). */
    @Example
    void clippingAThreeFourFiveGradient() {
        float[] grads = new float[100];
        grads[0] = 3;
        grads[99] = 4;
        assertThat(GradientClipping.clipGlobalNorm(grads, 1.0)).isEqualTo(5.0);
        assertThat(grads[0]).isCloseTo(0.6f, within(1e-6f));
        assertThat(grads[99]).isCloseTo(0.8f, within(1e-6f));
    }

    /**
     * Each output of the matrix products is one chain of fused multiply-adds in ascending order of its sum index,
     * whichever tile, edge loop or slice of k computes it: the forward against that chain written out, to the bit,
     * with N = 19 rows (the packed product) and N = 13 (the small-M tiles: an 8-row tile and leftover rows),
     * two-vector panels, one-vector and single-column edges, and three slices of k; and the weight gradient (its input
     * read transposed) likewise, onto the gradient's value.
     */
    @Example
    void everyProductIsTheChainOfFusedMultiplyAddsInAscendingOrder() {
        for (int N : new int[] {19, 13}) {
            productsAreChainsOfFusedMultiplyAdds(N);
        }
    }

    private static void productsAreChainsOfFusedMultiplyAdds(int N) {
        int I = 300;
        int O = 70;
        java.util.Random random = new java.util.Random(6131);
        float[] inp = floats(random, N * I);
        float[] params = floats(random, I * O + O);
        float[] out = new float[N * O];
        try (Parallel two = new Parallel(2)) {
            Linear.linearForward(two, out, inp, params, 0, I * O, N, I, O);
            for (int n = 0; n < N; n++) {
                for (int o = 0; o < O; o++) {
                    float sum = params[I * O + o];
                    for (int i = 0; i < I; i++) {
                        sum = Math.fma(inp[n * I + i], params[i * O + o], sum);
                    }
                    assertThat(out[n * O + o]).as("out[%d,%d]", n, o).isEqualTo(sum);
                }
            }
            float[] dout = floats(random, N * O);
            float[] grads = floats(random, I * O + O);
            float[] before = grads.clone();
            Linear.linearBackward(two, null, grads, dout, inp, params, 0, -1, N, I, O);
            for (int i = 0; i < I; i++) {
                for (int o = 0; o < O; o++) {
                    float sum = before[i * O + o];
                    for (int n = 0; n < N; n++) {
                        sum = Math.fma(inp[n * I + i], dout[n * O + o], sum);
                    }
                    assertThat(grads[i * O + o]).as("grads[%d,%d]", i, o).isEqualTo(sum);
                }
            }
        }
    }

    private static float[] floats(java.util.Random random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }
}
