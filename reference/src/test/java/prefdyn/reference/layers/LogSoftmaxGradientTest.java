package prefdyn.reference.layers;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import prefdyn.reference.util.Parallel;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static prefdyn.reference.layers.FiniteDifference.assertAccumulated;
import static prefdyn.reference.layers.FiniteDifference.assertMatches;
import static prefdyn.reference.layers.FiniteDifference.gaussian;
import static prefdyn.reference.layers.FiniteDifference.gradient;
import static prefdyn.reference.layers.FiniteDifference.loss;

class LogSoftmaxGradientTest {

    /**
     * Log-softmax is smooth with third derivatives bounded by a small constant (they are cumulants of p), so
     * truncation h²/6 ≈ 2e-11; the round-off grows with the logit magnitude m as ulp(m)/h, still ≈ 1e-9 at
     * m ≈ 100, the largest scale sampled here.
     */
    private static final double STEP = 1e-5;
    private static final Parallel PARALLEL = new Parallel(2);

    @AfterAll
    static void closePool() {
        PARALLEL.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 257})
    void knownAnswerUniformLogitsGiveMinusLogV(int V) {
        double[] logits = new double[2 * V];
        Arrays.fill(logits, 0, V, 0.0);
        Arrays.fill(logits, V, 2 * V, 3.7);  // any constant row
        double[] logProbs = new double[2 * V];

        LogSoftmax.logSoftmaxForward(Parallel.sequential(), logProbs, logits, 2, V);

        for (double logProb : logProbs) {
            assertThat(logProb).isCloseTo(-Math.log(V), within(1e-15));
        }
    }

    @Test
    void knownAnswerThreeElements() {
        // logits [0, ln 2, ln 5]: p = [1/8, 2/8, 5/8], so log p = [−3 ln 2, −2 ln 2, ln 5 − 3 ln 2].
        double[] logProbs = new double[3];

        LogSoftmax.logSoftmaxForward(Parallel.sequential(), logProbs, new double[]{0.0, Math.log(2), Math.log(5)}, 1, 3);

        assertThat(logProbs[0]).isCloseTo(-3 * Math.log(2), within(1e-15));
        assertThat(logProbs[1]).isCloseTo(-2 * Math.log(2), within(1e-15));
        assertThat(logProbs[2]).isCloseTo(Math.log(5) - 3 * Math.log(2), within(1e-15));
    }

    @Test
    void knownAnswerBackwardOfAUniformRow() {
        // p = 1/4 everywhere; dlogp = [1, 0, 0, 0]: dz = dlogp − p·Σ dlogp = [3/4, −1/4, −1/4, −1/4].
        double[] logProbs = new double[4];
        LogSoftmax.logSoftmaxForward(Parallel.sequential(), logProbs, new double[4], 1, 4);
        double[] dlogits = new double[4];

        LogSoftmax.logSoftmaxBackward(Parallel.sequential(), dlogits, new double[]{1, 0, 0, 0}, logProbs, 1, 4);

        assertThat(dlogits[0]).isCloseTo(0.75, within(1e-15));
        for (int v = 1; v < 4; v++) {
            assertThat(dlogits[v]).isCloseTo(-0.25, within(1e-15));
        }
    }

    @ParameterizedTest
    @CsvSource({"1, 1.0", "2, 1.0", "3, 2.0", "4, 2.0", "5, 5.0", "6, 100.0", "7, 0.1"})
    void backwardMatchesCentralDifferences(long seed, double logitScale) {
        Case c = Case.random(new Random(seed), logitScale);
        double[] dlogits = new double[c.logits.length];

        c.backward(dlogits);

        assertMatches("LogSoftmax dlogits", dlogits, gradient(c.logits, STEP, loss(c.upstream, c::forward)));
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13})
    void backwardAccumulates(long seed) {
        Random random = new Random(seed);
        Case c = Case.random(random, 2.0);
        double[] fresh = new double[c.logits.length];
        c.backward(fresh);
        double[] prefill = gaussian(random, c.logits.length);
        double[] dlogits = prefill.clone();

        c.backward(dlogits);

        assertAccumulated("LogSoftmax dlogits", dlogits, prefill, fresh, 1);
    }

    @Test
    void aRowWithoutUpstreamGradientLeavesItsEntriesUntouched() {
        Case c = Case.random(new Random(21), 2.0);
        Arrays.fill(c.upstream, 0, c.V, 0.0);    // row 0: no gradient
        double[] dlogits = gaussian(new Random(22), c.logits.length);
        double[] prefill = dlogits.clone();

        c.backward(dlogits);

        assertThat(Arrays.copyOfRange(dlogits, 0, c.V)).containsExactly(Arrays.copyOfRange(prefill, 0, c.V));
    }

    /** Rows of logits with the given scale; V ≥ 1. */
    private record Case(int N, int V, double[] logits, double[] upstream) {

        static Case random(Random random, double logitScale) {
            int N = 1 + random.nextInt(5);
            int V = 1 + random.nextInt(9);
            return new Case(N, V, gaussian(random, N * V, logitScale), gaussian(random, N * V));
        }

        double[] forward() {
            double[] logProbs = new double[N * V];
            LogSoftmax.logSoftmaxForward(Parallel.sequential(), logProbs, logits, N, V);
            return logProbs;
        }

        void backward(double[] dlogits) {
            double[] logProbs = new double[N * V];
            LogSoftmax.logSoftmaxForward(PARALLEL, logProbs, logits, N, V);
            LogSoftmax.logSoftmaxBackward(PARALLEL, dlogits, upstream, logProbs, N, V);
        }
    }
}
