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

class LmHeadGradientTest {

    /** logits are bilinear in inp and wte, so L is affine in each single coordinate: no truncation error. */
    private static final double STEP = 1e-3;
    private static final Parallel PARALLEL = new Parallel(2);

    @AfterAll
    static void closePool() {
        PARALLEL.close();
    }

    @Test
    void knownAnswerTiedEmbeddingTimesInput() {
        // V = 3, C = 2; wte at offset 1: rows [1,0], [0,1], [1,1].
        double[] params = {5.0, 1.0, 0.0, 0.0, 1.0, 1.0, 1.0};
        double[] logits = new double[3];

        LmHead.lmHeadForward(Parallel.sequential(), logits, new double[]{1.0, 2.0}, params, 1, 1, 2, 3);

        assertThat(logits).containsExactly(1.0, 2.0, 3.0);

        double[] dinp = new double[2];
        double[] grads = new double[params.length];
        LmHead.lmHeadBackward(Parallel.sequential(), dinp, grads, new double[]{1.0, 0.0, -2.0}, new double[]{1.0, 2.0},
                params, 1, 1, 2, 3);

        assertThat(dinp).containsExactly(1.0 * 1 + -2.0 * 1, 1.0 * 0 + -2.0 * 1);    // Σ_v dlogits[v]·wte[v]
        assertThat(grads).containsExactly(0.0, 1.0, 2.0, 0.0, 0.0, -2.0, -4.0);      // dlogits[v]·inp
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void backwardMatchesCentralDifferences(long seed) {
        Case c = Case.random(new Random(seed));
        double[] dinp = new double[c.inp.length];
        double[] grads = new double[c.params.length];

        c.backward(dinp, grads);

        assertMatches("LmHead dinp", dinp, gradient(c.inp, STEP, loss(c.upstream, c::forward)));
        assertMatches("LmHead dparams", grads, gradient(c.params, STEP, loss(c.upstream, c::forward)));
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

        assertAccumulated("LmHead dinp", dinp, prefillInp, freshInp, c.V);
        assertAccumulated("LmHead dparams", grads, prefillGrads, freshGrads, c.N);
    }

    /** wte at an offset in a larger array; about a fifth of the upstream entries are exactly 0 (skipped). */
    private record Case(int N, int C, int V, double[] inp, double[] params, int wteOffset, double[] upstream) {

        static Case random(Random random) {
            int N = 1 + random.nextInt(6);
            int C = 1 + random.nextInt(6);
            int V = 1 + random.nextInt(7);
            int wteOffset = random.nextInt(3);
            int size = wteOffset + V * C + random.nextInt(3);
            double[] upstream = gaussian(random, N * V);
            for (int i = 0; i < upstream.length; i++) {
                if (random.nextInt(5) == 0) {
                    upstream[i] = 0.0;
                }
            }
            return new Case(N, C, V, gaussian(random, N * C), gaussian(random, size), wteOffset, upstream);
        }

        double[] forward() {
            double[] logits = new double[N * V];
            LmHead.lmHeadForward(Parallel.sequential(), logits, inp, params, wteOffset, N, C, V);
            return logits;
        }

        void backward(double[] dinp, double[] grads) {
            LmHead.lmHeadBackward(PARALLEL, dinp, grads, upstream, inp, params, wteOffset, N, C, V);
        }
    }
}
