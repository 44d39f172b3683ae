package prefdyn.reference.layers;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import prefdyn.reference.util.Parallel;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static prefdyn.reference.layers.FiniteDifference.assertAccumulated;
import static prefdyn.reference.layers.FiniteDifference.assertMatches;
import static prefdyn.reference.layers.FiniteDifference.gaussian;
import static prefdyn.reference.layers.FiniteDifference.gradient;
import static prefdyn.reference.layers.FiniteDifference.loss;

class LinearGradientTest {

    private static final Parallel PARALLEL = new Parallel(2);

    /**
     * L is affine in every single coordinate of inp, weight and bias (out is bilinear in inp and weight), so a
     * central difference has no truncation error at all; a large step only shrinks the round-off ε·|L|/h.
     */
    private static final double STEP = 1e-3;

    @AfterAll
    static void closePool() {
        PARALLEL.close();
    }

    @Test
    void knownAnswerOneByTwoInputTwoByTwoWeight() {
        // params: [pad, W00, W01, W10, W11, b0, b1]; W in Conv1D layout [in, out].
        double[] params = {99.0, 1.0, 2.0, 3.0, 4.0, 0.5, -0.5};
        double[] inp = {1.0, 2.0};
        double[] out = new double[2];

        Linear.linearForward(Parallel.sequential(), out, inp, params, 1, 5, 1, 2, 2);

        assertThat(out).containsExactly(1 * 1 + 2 * 3 + 0.5, 1 * 2 + 2 * 4 - 0.5); // [7.5, 9.5]

        double[] dinp = new double[2];
        double[] grads = new double[params.length];
        Linear.linearBackward(Parallel.sequential(), dinp, grads, new double[]{1.0, 10.0}, inp, params, 1, 5, 1, 2, 2);

        assertThat(dinp).containsExactly(1 * 1 + 10 * 2, 1 * 3 + 10 * 4);               // dout · Wᵀ
        assertThat(grads).containsExactly(0.0, 1.0, 10.0, 2.0, 20.0, 1.0, 10.0);        // inpᵀ · dout, dout
    }

    @Test
    void knownAnswerWithoutBiasAndWithoutInputGradient() {
        double[] params = {2.0, -1.0};                 // W [2,1]
        double[] inp = {3.0, 4.0, -1.0, 0.5};          // [2,2]
        double[] out = new double[2];

        Linear.linearForward(Parallel.sequential(), out, inp, params, 0, -1, 2, 2, 1);

        assertThat(out).containsExactly(2.0, -2.5);

        double[] grads = new double[2];
        Linear.linearBackward(Parallel.sequential(), null, grads, new double[]{1.0, 2.0}, inp, params, 0, -1, 2, 2, 1);

        assertThat(grads).containsExactly(3.0 + 2 * -1.0, 4.0 + 2 * 0.5);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void backwardMatchesCentralDifferences(long seed) {
        Case c = Case.random(new Random(seed), seed % 3 == 0);

        double[] dinp = new double[c.inp.length];
        double[] grads = new double[c.params.length];
        c.backward(dinp, grads);

        assertMatches("Linear dinp", dinp, gradient(c.inp, STEP, loss(c.upstream, c::forward)));
        assertMatches("Linear dparams", grads, gradient(c.params, STEP, loss(c.upstream, c::forward)));
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13})
    void backwardAccumulates(long seed) {
        Random random = new Random(seed);
        Case c = Case.random(random, false);
        double[] freshInp = new double[c.inp.length];
        double[] freshGrads = new double[c.params.length];
        c.backward(freshInp, freshGrads);

        double[] prefillInp = gaussian(random, c.inp.length);
        double[] prefillGrads = gaussian(random, c.params.length);
        double[] dinp = prefillInp.clone();
        double[] grads = prefillGrads.clone();
        c.backward(dinp, grads);

        assertAccumulated("Linear dinp", dinp, prefillInp, freshInp, 1);
        assertAccumulated("Linear dparams", grads, prefillGrads, freshGrads, c.N);
    }

    @Test
    void nullInputGradientStillGivesParameterGradients() {
        Case c = Case.random(new Random(21), false);
        double[] withInput = new double[c.params.length];
        c.backward(new double[c.inp.length], withInput);
        double[] withoutInput = new double[c.params.length];

        Linear.linearBackward(Parallel.sequential(), null, withoutInput, c.upstream, c.inp, c.params,
                c.weightOffset, c.biasOffset, c.N, c.I, c.O);

        assertThat(withoutInput).containsExactly(withInput);
    }

    /** A random linear layer whose weight and bias sit at random offsets inside a larger flat array. */
    private record Case(int N, int I, int O, double[] inp, double[] params, int weightOffset, int biasOffset,
                       double[] upstream) {

        static Case random(Random random, boolean noBias) {
            int N = 1 + random.nextInt(5);
            int I = 1 + random.nextInt(5);
            int O = 1 + random.nextInt(5);
            int weightOffset = random.nextInt(4);
            int biasOffset = noBias ? -1 : weightOffset + I * O + random.nextInt(3);
            int size = (noBias ? weightOffset + I * O : biasOffset + O) + random.nextInt(3);
            return new Case(N, I, O, gaussian(random, N * I), gaussian(random, size), weightOffset, biasOffset,
                    gaussian(random, N * O));
        }

        double[] forward() {
            double[] out = new double[N * O];
            Linear.linearForward(Parallel.sequential(), out, inp, params, weightOffset, biasOffset, N, I, O);
            return out;
        }

        void backward(double[] dinp, double[] grads) {
            forward();
            Linear.linearBackward(PARALLEL, dinp, grads, upstream, inp, params, weightOffset, biasOffset,
                    N, I, O);
        }
    }
}
