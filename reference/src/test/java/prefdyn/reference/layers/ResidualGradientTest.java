package prefdyn.reference.layers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static prefdyn.reference.layers.FiniteDifference.assertAccumulated;
import static prefdyn.reference.layers.FiniteDifference.assertMatches;
import static prefdyn.reference.layers.FiniteDifference.gaussian;
import static prefdyn.reference.layers.FiniteDifference.gradient;
import static prefdyn.reference.layers.FiniteDifference.loss;

class ResidualGradientTest {

    /** out = inp1 + inp2 is affine: no truncation error, so a large step only shrinks the round-off. */
    private static final double STEP = 1e-3;

    @Test
    void knownAnswer() {
        double[] out = new double[2];

        Residual.residualForward(out, new double[]{1.0, 2.0}, new double[]{3.0, -4.5}, 2);

        assertThat(out).containsExactly(4.0, -2.5);

        double[] dinp1 = {10.0, 20.0};
        double[] dinp2 = new double[2];
        Residual.residualBackward(dinp1, dinp2, new double[]{0.5, -1.0}, 2);

        assertThat(dinp1).containsExactly(10.5, 19.0);
        assertThat(dinp2).containsExactly(0.5, -1.0);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void backwardMatchesCentralDifferences(long seed) {
        Random random = new Random(seed);
        int n = 1 + random.nextInt(30);
        double[] inp1 = gaussian(random, n);
        double[] inp2 = gaussian(random, n);
        double[] upstream = gaussian(random, n);
        double[] dinp1 = new double[n];
        double[] dinp2 = new double[n];

        Residual.residualBackward(dinp1, dinp2, upstream, n);

        assertMatches("Residual dinp1", dinp1, gradient(inp1, STEP, loss(upstream, () -> forward(inp1, inp2))));
        assertMatches("Residual dinp2", dinp2, gradient(inp2, STEP, loss(upstream, () -> forward(inp1, inp2))));
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12})
    void backwardAccumulates(long seed) {
        Random random = new Random(seed);
        int n = 1 + random.nextInt(30);
        double[] upstream = gaussian(random, n);
        double[] prefill1 = gaussian(random, n);
        double[] prefill2 = gaussian(random, n);
        double[] dinp1 = prefill1.clone();
        double[] dinp2 = prefill2.clone();

        Residual.residualBackward(dinp1, dinp2, upstream, n);

        assertAccumulated("Residual dinp1", dinp1, prefill1, upstream, 1);
        assertAccumulated("Residual dinp2", dinp2, prefill2, upstream, 1);
    }

    private static double[] forward(double[] inp1, double[] inp2) {
        double[] out = new double[inp1.length];
        Residual.residualForward(out, inp1, inp2, out.length);
        return out;
    }
}
