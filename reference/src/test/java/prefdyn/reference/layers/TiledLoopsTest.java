package prefdyn.reference.layers;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import prefdyn.reference.util.Parallel;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static prefdyn.reference.layers.FiniteDifference.gaussian;

/**
 * {@link Linear} and {@link LmHead} compute tiles of outputs together; their Javadoc promises that every element
 * is still summed in the order its equation states. These tests hold them to it: bit for bit against the plain
 * loops beside them in main code ({@code linearForwardNaive}, {@code linearBackwardNaive},
 * {@code lmHeadForwardNaive}, {@code lmHeadBackwardNaive}: the equations one element at a time, the loops the
 * layers had before tiling), for every shape from 1 to
 * 9 (or 11) in each dimension — so every edge case of the 4 × 4 and 1 × 2 tiles — on 1 and 3 threads, with the
 * weights at an offset inside a larger parameter array and with gradients that already hold values.
 */
class TiledLoopsTest {

    private static final Parallel THREE = new Parallel(3);

    @AfterAll
    static void closePool() {
        THREE.close();
    }

    @Test
    void linearIsBitIdenticalToTheElementByElementEquations() {
        Random random = new Random(808);
        int cases = 0;
        for (int N = 1; N <= 9; N++) {
            for (int I = 1; I <= 9; I++) {
                for (int O = 1; O <= 9; O++) {
                    boolean bias = (N + I + O) % 2 == 0;
                    int weightOffset = random.nextInt(3);
                    int biasOffset = bias ? weightOffset + I * O + random.nextInt(2) : -1;
                    double[] params = gaussian(random, (bias ? biasOffset + O : weightOffset + I * O) + 2);
                    double[] inp = gaussian(random, N * I);
                    double[] dout = gaussian(random, N * O);
                    double[] dinpStart = gaussian(random, N * I);
                    double[] gradsStart = gaussian(random, params.length);

                    double[] expectedOut = new double[N * O];
                    double[] expectedDinp = dinpStart.clone();
                    double[] expectedGrads = gradsStart.clone();
                    Linear.linearForwardNaive(expectedOut, inp, params, weightOffset, biasOffset, N, I, O);
                    Linear.linearBackwardNaive(expectedDinp, expectedGrads, dout, inp, params, weightOffset,
                            biasOffset, N, I, O);

                    for (Parallel parallel : new Parallel[]{Parallel.sequential(), THREE}) {
                        String what = "N=" + N + " I=" + I + " O=" + O + " threads=" + parallel.threads();
                        double[] out = new double[N * O];
                        Linear.linearForward(parallel, out, inp, params, weightOffset, biasOffset, N, I, O);
                        double[] dinp = dinpStart.clone();
                        double[] grads = gradsStart.clone();
                        Linear.linearBackward(parallel, dinp, grads, dout, inp, params, weightOffset, biasOffset,
                                N, I, O);
                        assertThat(out).as("out, " + what).containsExactly(expectedOut);
                        assertThat(dinp).as("dinp, " + what).containsExactly(expectedDinp);
                        assertThat(grads).as("grads, " + what).containsExactly(expectedGrads);
                    }
                    cases++;
                }
            }
        }
        assertThat(cases).isEqualTo(9 * 9 * 9);
    }

    @Test
    void lmHeadIsBitIdenticalToTheElementByElementEquations() {
        Random random = new Random(909);
        for (int N = 1; N <= 9; N++) {
            for (int C = 1; C <= 9; C++) {
                for (int V = 1; V <= 11; V++) {
                    int wteOffset = random.nextInt(3);
                    double[] params = gaussian(random, wteOffset + V * C + 2);
                    double[] inp = gaussian(random, N * C);
                    double[] dlogits = gaussian(random, N * V);
                    for (int n = 0; n < N; n++) {
                        if (random.nextInt(3) == 0) { // rows without a seed, which the backward skips
                            Arrays.fill(dlogits, n * V, n * V + V, 0.0);
                        }
                    }
                    double[] dinpStart = gaussian(random, N * C);
                    double[] gradsStart = gaussian(random, params.length);

                    double[] expectedLogits = new double[N * V];
                    double[] expectedDinp = dinpStart.clone();
                    double[] expectedGrads = gradsStart.clone();
                    LmHead.lmHeadForwardNaive(expectedLogits, inp, params, wteOffset, N, C, V);
                    LmHead.lmHeadBackwardNaive(expectedDinp, expectedGrads, dlogits, inp, params, wteOffset, N, C, V);

                    for (Parallel parallel : new Parallel[]{Parallel.sequential(), THREE}) {
                        String what = "N=" + N + " C=" + C + " V=" + V + " threads=" + parallel.threads();
                        double[] logits = new double[N * V];
                        LmHead.lmHeadForward(parallel, logits, inp, params, wteOffset, N, C, V);
                        double[] dinp = dinpStart.clone();
                        double[] grads = gradsStart.clone();
                        LmHead.lmHeadBackward(parallel, dinp, grads, dlogits, inp, params, wteOffset, N, C, V);
                        assertThat(logits).as("logits, " + what).containsExactly(expectedLogits);
                        assertThat(dinp).as("dinp, " + what).containsExactly(expectedDinp);
                        assertThat(grads).as("grads, " + what).containsExactly(expectedGrads);
                    }
                }
            }
        }
    }

    /** The plain loops against hand-computed numbers (exact in binary), so the oracle of the tiles is itself checked. */
    @Test
    void thePlainLinearLoopsGiveTheHandComputedEquations() {
        // weight [I=2, O=2] = [[5, 6], [7, 8]] at offset 1, bias [0.5, -1] at offset 5
        double[] params = {9, 5, 6, 7, 8, 0.5, -1};
        double[] inp = {1, 2, 3, 4};            // [N=2, I=2]
        double[] out = new double[4];
        Linear.linearForwardNaive(out, inp, params, 1, 5, 2, 2, 2);
        assertThat(out).containsExactly(19.5, 21, 43.5, 49);

        double[] dout = {1, 0, 0, 2};           // [N=2, O=2]
        double[] dinp = {1, 1, 1, 1};           // accumulated into
        double[] grads = {1, 1, 1, 1, 1, 1, 1};
        Linear.linearBackwardNaive(dinp, grads, dout, inp, params, 1, 5, 2, 2, 2);
        assertThat(dinp).containsExactly(1 + 5, 1 + 7, 1 + 12, 1 + 16);
        assertThat(grads).containsExactly(1, 1 + 1, 1 + 6, 1 + 2, 1 + 8, 1 + 1, 1 + 2);
    }

    @Test
    void thePlainLmHeadLoopsGiveTheHandComputedEquations() {
        double[] params = {9, 1, 2, 3, 4, 5, 6}; // wte [V=3, C=2] = [[1, 2], [3, 4], [5, 6]] at offset 1
        double[] inp = {1, -1, 2, 0.5};          // [N=2, C=2]
        double[] logits = new double[6];
        LmHead.lmHeadForwardNaive(logits, inp, params, 1, 2, 2, 3);
        assertThat(logits).containsExactly(-1, -1, -1, 3, 8, 13);

        double[] dlogits = {0, 0, 0, 1, 0, -1};  // row 0 carries no gradient
        double[] dinp = {1, 1, 1, 1};
        double[] grads = {1, 1, 1, 1, 1, 1, 1};
        LmHead.lmHeadBackwardNaive(dinp, grads, dlogits, inp, params, 1, 2, 2, 3);
        assertThat(dinp).containsExactly(1, 1, 1 - 4, 1 - 4);
        assertThat(grads).containsExactly(1, 1 + 2, 1 + 0.5, 1, 1, 1 - 2, 1 - 0.5);
    }
}
