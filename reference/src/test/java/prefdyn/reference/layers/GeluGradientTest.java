package prefdyn.reference.layers;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import prefdyn.reference.util.Parallel;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static prefdyn.reference.layers.FiniteDifference.assertAccumulated;
import static prefdyn.reference.layers.FiniteDifference.assertMatches;
import static prefdyn.reference.layers.FiniteDifference.gaussian;
import static prefdyn.reference.layers.FiniteDifference.gradient;
import static prefdyn.reference.layers.FiniteDifference.loss;

class GeluGradientTest {

    /**
     * GELU is smooth with |gelu'''| ≤ ~1 on the sampled range (|x| ≲ 6), so truncation h²/6 ≈ 2e-11 and round-off
     * ε·|L|/h ≈ 1e-10; h = 1e-5 sits near the optimum ε^(1/3) for a central difference.
     */
    private static final double STEP = 1e-5;
    private static final Parallel PARALLEL = new Parallel(2);

    @AfterAll
    static void closePool() {
        PARALLEL.close();
    }

    @Test
    void knownAnswers() {
        double[] out = new double[4];

        Gelu.geluForward(Parallel.sequential(), out, new double[]{0.0, 1.0, -1.0, 10.0}, 4);

        assertThat(out[0]).isEqualTo(0.0);
        assertThat(out[1]).isCloseTo(0.8411919906082768, within(1e-15));
        assertThat(out[2]).isCloseTo(0.8411919906082768 - 1.0, within(1e-15)); // gelu(−x) = gelu(x) − x
        assertThat(out[3]).isCloseTo(10.0, within(1e-15)); // tanh saturates: gelu(x) → x
    }

    @Test
    void knownAnswerDerivativeAtZeroIsOneHalf() {
        double[] dinp = new double[1];

        Gelu.geluBackward(Parallel.sequential(), dinp, new double[]{0.0}, new double[]{3.0}, 1);

        assertThat(dinp[0]).isEqualTo(1.5); // gelu'(0) = ½(1 + tanh 0) = ½
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void backwardMatchesCentralDifferences(long seed) {
        Random random = new Random(seed);
        int n = 1 + random.nextInt(40);
        double[] inp = gaussian(random, n, 2.0);
        double[] upstream = gaussian(random, n);
        double[] dinp = new double[n];

        Gelu.geluBackward(PARALLEL, dinp, inp, upstream, n);

        assertMatches("Gelu dinp", dinp, gradient(inp, STEP, loss(upstream, () -> forward(inp))));
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12})
    void backwardAccumulates(long seed) {
        Random random = new Random(seed);
        int n = 1 + random.nextInt(40);
        double[] inp = gaussian(random, n, 2.0);
        double[] upstream = gaussian(random, n);
        double[] fresh = new double[n];
        Gelu.geluBackward(PARALLEL, fresh, inp, upstream, n);
        double[] prefill = gaussian(random, n);
        double[] dinp = prefill.clone();

        Gelu.geluBackward(PARALLEL, dinp, inp, upstream, n);

        assertAccumulated("Gelu dinp", dinp, prefill, fresh, 1);
    }

    private static double[] forward(double[] inp) {
        double[] out = new double[inp.length];
        Gelu.geluForward(Parallel.sequential(), out, inp, inp.length);
        return out;
    }
}
