package prefdyn.reference.layers;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.util.Parallel;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static prefdyn.reference.layers.FiniteDifference.assertAccumulated;
import static prefdyn.reference.layers.FiniteDifference.assertMatches;
import static prefdyn.reference.layers.FiniteDifference.gaussian;
import static prefdyn.reference.layers.FiniteDifference.gradient;
import static prefdyn.reference.layers.FiniteDifference.loss;

class LayerNormGradientTest {

    /**
     * LayerNorm is smooth in its input with third derivatives of order rstd³ ≈ 1 for unit-variance rows, so the
     * truncation error h²·|L'''|/6 ≈ 2e-11 and the round-off ε·|L|/h ≈ 1e-10 both sit far below 1e-6; weight and
     * bias enter affinely (no truncation error at all). Seed 5 draws a C = 2 row with σ² ≈ 4.6e-4 (rstd ≈ 46,
     * third derivatives ~1e5): the hardest case here, whose error (≈ 1e-7) is truncation, as it should be.
     */
    private static final double STEP = 1e-5;
    private static final double EPS = GptConfig.LAYER_NORM_EPS;
    private static final Parallel PARALLEL = new Parallel(2);

    @AfterAll
    static void closePool() {
        PARALLEL.close();
    }

    @Test
    void knownAnswerOneTwoThreeWithUnitWeightAndZeroBias() {
        double[] params = {1.0, 1.0, 1.0, 0.0, 0.0, 0.0};
        double[] out = new double[3];
        double[] mean = new double[1];
        double[] rstd = new double[1];

        LayerNorm.layerNormForward(Parallel.sequential(), out, mean, rstd, new double[]{1, 2, 3}, params, 0, 3, 1, 3,
                EPS);

        // μ = 2, σ² = (1 + 0 + 1)/3 = 2/3, so y = (x − 2)/sqrt(2/3 + 1e-5) ≈ [−1.2247357, 0, 1.2247357].
        double s = 1.0 / Math.sqrt(2.0 / 3.0 + 1e-5);
        assertThat(mean[0]).isEqualTo(2.0);
        assertThat(rstd[0]).isCloseTo(s, within(1e-15));
        assertThat(out[0]).isCloseTo(-s, within(1e-15));
        assertThat(out[1]).isEqualTo(0.0);
        assertThat(out[2]).isCloseTo(s, within(1e-15));
        assertThat(s).isCloseTo(1.2247357, within(1e-7));
    }

    @Test
    void knownAnswerBackwardOfATwoElementRow() {
        // x = [1, 3]: μ = 2, σ² = 1, x̂ = [−s, s] with s = 1/sqrt(1 + 1e-5). Weight [2, 3], bias [0.5, −1],
        // dout = [1, 1]: g = w ⊙ dout = [2, 3], mean(g) = 2.5, mean(g ⊙ x̂) = s/2, so
        // dx[0] = s·(2 − 2.5 + s·s/2) = s·(s² − 1)/2 = −dx[1];
        // dw = x̂ ⊙ dout = [−s, s];  db = dout = [1, 1].
        double[] params = {2.0, 3.0, 0.5, -1.0};
        double[] inp = {1.0, 3.0};
        double[] out = new double[2];
        double[] mean = new double[1];
        double[] rstd = new double[1];
        LayerNorm.layerNormForward(Parallel.sequential(), out, mean, rstd, inp, params, 0, 2, 1, 2, EPS);
        double s = 1.0 / Math.sqrt(1.0 + 1e-5);
        assertThat(out[0]).isCloseTo(-2.0 * s + 0.5, within(1e-15));
        assertThat(out[1]).isCloseTo(3.0 * s - 1.0, within(1e-15));
        double[] dinp = new double[2];
        double[] grads = new double[4];

        LayerNorm.layerNormBackward(Parallel.sequential(), dinp, grads, new double[]{1.0, 1.0}, inp, params, 0, 2,
                mean, rstd, 1, 2);

        assertThat(dinp[0]).isCloseTo(s * (s * s - 1.0) / 2.0, within(1e-15));
        assertThat(dinp[1]).isCloseTo(-s * (s * s - 1.0) / 2.0, within(1e-15));
        assertThat(grads[0]).isCloseTo(-s, within(1e-15));
        assertThat(grads[1]).isCloseTo(s, within(1e-15));
        assertThat(grads).endsWith(1.0, 1.0);
    }

    @Test
    void knownAnswerUniformWeightAndConstantUpstreamGiveZeroInputGradient() {
        // Adding a constant to every x changes nothing, and with w = 1 a constant dout is exactly such a
        // direction: dx = s·(1 − 1 − x̂·mean(x̂)) = 0 since mean(x̂) = (−s + s)/2 = 0 exactly.
        double[] params = {1.0, 1.0, 0.0, 0.0};
        double[] inp = {1.0, 3.0};
        double[] mean = new double[1];
        double[] rstd = new double[1];
        LayerNorm.layerNormForward(Parallel.sequential(), new double[2], mean, rstd, inp, params, 0, 2, 1, 2, EPS);
        double[] dinp = new double[2];

        LayerNorm.layerNormBackward(Parallel.sequential(), dinp, new double[4], new double[]{0.7, 0.7}, inp, params,
                0, 2, mean, rstd, 1, 2);

        assertThat(dinp).containsExactly(0.0, 0.0);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void backwardMatchesCentralDifferences(long seed) {
        Case c = Case.random(new Random(seed));
        double[] dinp = new double[c.inp.length];
        double[] grads = new double[c.params.length];

        c.backward(dinp, grads);

        assertMatches("LayerNorm dinp", dinp, gradient(c.inp, STEP, loss(c.upstream, c::forward)));
        assertMatches("LayerNorm dparams", grads, gradient(c.params, STEP, loss(c.upstream, c::forward)));
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13})
    void backwardAccumulates(long seed) {
        Random random = new Random(seed);
        Case c = Case.random(random);
        double[] freshInp = new double[c.inp.length];
        double[] freshGrads = new double[c.params.length];
        c.backward(freshInp, freshGrads);
        double[] prefillInp = gaussian(random, c.inp.length);
        double[] prefillGrads = gaussian(random, c.params.length);
        double[] dinp = prefillInp.clone();
        double[] grads = prefillGrads.clone();

        c.backward(dinp, grads);

        assertAccumulated("LayerNorm dinp", dinp, prefillInp, freshInp, 1);
        assertAccumulated("LayerNorm dparams", grads, prefillGrads, freshGrads, 1);
    }

    /** Rows of unit-scale random inputs; weight and bias at offsets in a larger array; C = 1 included. */
    private record Case(int N, int C, double[] inp, double[] params, int weightOffset, int biasOffset,
                       double[] upstream) {

        static Case random(Random random) {
            int N = 1 + random.nextInt(6);
            int C = 1 + random.nextInt(8);
            int weightOffset = random.nextInt(3);
            int biasOffset = weightOffset + C + random.nextInt(3);
            int size = biasOffset + C + random.nextInt(3);
            double[] params = gaussian(random, size);
            for (int c = 0; c < C; c++) {
                params[weightOffset + c] += 1.0; // weights near GPT-2's 1, but not all equal
            }
            return new Case(N, C, gaussian(random, N * C), params, weightOffset, biasOffset,
                    gaussian(random, N * C));
        }

        double[] forward() {
            double[] out = new double[N * C];
            LayerNorm.layerNormForward(Parallel.sequential(), out, new double[N], new double[N], inp, params,
                    weightOffset, biasOffset, N, C, EPS);
            return out;
        }

        void backward(double[] dinp, double[] grads) {
            double[] mean = new double[N];
            double[] rstd = new double[N];
            LayerNorm.layerNormForward(PARALLEL, new double[N * C], mean, rstd, inp, params, weightOffset, biasOffset,
                    N, C, EPS);
            LayerNorm.layerNormBackward(PARALLEL, dinp, grads, upstream, inp, params, weightOffset, biasOffset,
                    mean, rstd, N, C);
        }
    }
}
