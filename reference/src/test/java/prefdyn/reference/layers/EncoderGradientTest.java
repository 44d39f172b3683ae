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

class EncoderGradientTest {

    /**
     * out is a plain sum of two parameters, so L is affine in every parameter: a central difference has no
     * truncation error, and a large step keeps the round-off ε·|L|/h small.
     */
    private static final double STEP = 1e-3;

    @Test
    void knownAnswerPicksTokenRowsAndAddsPositionRows() {
        // V = 3, maxT = 2, C = 2: wte at offset 1 ([V,C] = 6 values), wpe at offset 7 ([maxT,C] = 4 values).
        double[] params = {-7.0, 1.0, 2.0, 10.0, 20.0, 100.0, 200.0, 0.25, 0.5, 0.75, 1.0};
        int[] tokens = {2, 0, 1, 1};  // B = 2, T = 2
        double[] out = new double[8];

        Encoder.encoderForward(out, tokens, params, 1, 7, 2, 2, 2);

        assertThat(out).containsExactly(
                100.25, 200.5,   // wte[2] + wpe[0]
                1.75, 3.0,       // wte[0] + wpe[1]
                10.25, 20.5,     // wte[1] + wpe[0]
                10.75, 21.0);    // wte[1] + wpe[1]

        double[] grads = new double[params.length];
        double[] dout = {1, 2, 3, 4, 5, 6, 7, 8};
        Encoder.encoderBackward(grads, 1, 7, dout, tokens, 2, 2, 2);

        assertThat(grads).containsExactly(
                0.0,                        // outside both tables
                3, 4, 5 + 7, 6 + 8, 1, 2,   // wte rows: token 0 ← (0,1); token 1 ← (1,0),(1,1); token 2 ← (0,0)
                1 + 5, 2 + 6, 3 + 7, 4 + 8); // wpe rows: Σ_b dout[b,t]
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void backwardMatchesCentralDifferences(long seed) {
        Case c = Case.random(new Random(seed));
        double[] grads = new double[c.params.length];

        Encoder.encoderBackward(grads, c.wteOffset, c.wpeOffset, c.upstream, c.tokens, c.B, c.T, c.C);

        assertMatches("Encoder dparams", grads, gradient(c.params, STEP, loss(c.upstream, c::forward)));
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13})
    void backwardAccumulates(long seed) {
        Random random = new Random(seed);
        Case c = Case.random(random);
        double[] fresh = new double[c.params.length];
        Encoder.encoderBackward(fresh, c.wteOffset, c.wpeOffset, c.upstream, c.tokens, c.B, c.T, c.C);
        double[] prefill = gaussian(random, c.params.length);
        double[] grads = prefill.clone();

        Encoder.encoderBackward(grads, c.wteOffset, c.wpeOffset, c.upstream, c.tokens, c.B, c.T, c.C);

        assertAccumulated("Encoder dparams", grads, prefill, fresh, c.B * c.T);
    }

    /** Random token and position tables at offsets inside a larger array; few token ids so rows repeat. */
    private record Case(int B, int T, int C, int[] tokens, double[] params, int wteOffset, int wpeOffset,
                       double[] upstream) {

        static Case random(Random random) {
            int B = 1 + random.nextInt(3);
            int T = 1 + random.nextInt(5);
            int C = 1 + random.nextInt(6);
            int V = 1 + random.nextInt(4);
            int maxT = T + random.nextInt(3);
            int[] tokens = new int[B * T];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = random.nextInt(V);
            }
            int wteOffset = random.nextInt(3);
            int wpeOffset = wteOffset + V * C + random.nextInt(3);
            int size = wpeOffset + maxT * C + random.nextInt(3);
            return new Case(B, T, C, tokens, gaussian(random, size), wteOffset, wpeOffset,
                    gaussian(random, B * T * C));
        }

        double[] forward() {
            double[] out = new double[B * T * C];
            Encoder.encoderForward(out, tokens, params, wteOffset, wpeOffset, B, T, C);
            return out;
        }
    }
}
