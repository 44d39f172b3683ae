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
 * is still summed in the order its equation states. These tests hold them to it: bit for bit against the
 * equations written as one element at a time (the loops the layers had before tiling), for every shape from 1 to
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
                    linearOneElementAtATime(expectedOut, expectedDinp, expectedGrads, dout, inp, params, weightOffset,
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
                    lmHeadOneElementAtATime(expectedLogits, expectedDinp, expectedGrads, dlogits, inp, params,
                            wteOffset, N, C, V);

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

    /** Linear's three equations, one element at a time, in the order the Javadoc states. */
    private static void linearOneElementAtATime(double[] out, double[] dinp, double[] grads, double[] dout,
                                                double[] inp, double[] params, int weightOffset, int biasOffset,
                                                int N, int I, int O) {
        for (int n = 0; n < N; n++) {
            for (int o = 0; o < O; o++) {
                out[n * O + o] = biasOffset < 0 ? 0.0 : params[biasOffset + o];
                for (int i = 0; i < I; i++) {
                    out[n * O + o] += inp[n * I + i] * params[weightOffset + i * O + o];
                }
            }
        }
        for (int n = 0; n < N; n++) {
            for (int i = 0; i < I; i++) {
                dinp[n * I + i] += Dot.dot(dout, n * O, params, weightOffset + i * O, O);
            }
        }
        for (int i = 0; i < I; i++) {
            for (int o = 0; o < O; o++) {
                for (int n = 0; n < N; n++) {
                    grads[weightOffset + i * O + o] += inp[n * I + i] * dout[n * O + o];
                }
            }
        }
        if (biasOffset >= 0) {
            for (int o = 0; o < O; o++) {
                double sum = 0;
                for (int n = 0; n < N; n++) {
                    sum += dout[n * O + o];
                }
                grads[biasOffset + o] += sum;
            }
        }
    }

    /** LmHead's three equations, one element at a time, skipping the zero terms. */
    private static void lmHeadOneElementAtATime(double[] logits, double[] dinp, double[] grads, double[] dlogits,
                                                double[] inp, double[] params, int wteOffset, int N, int C, int V) {
        for (int n = 0; n < N; n++) {
            for (int v = 0; v < V; v++) {
                logits[n * V + v] = Dot.dot(inp, n * C, params, wteOffset + v * C, C);
            }
        }
        for (int n = 0; n < N; n++) {
            for (int v = 0; v < V; v++) {
                double d = dlogits[n * V + v];
                if (d == 0.0) {
                    continue;
                }
                for (int c = 0; c < C; c++) {
                    dinp[n * C + c] += d * params[wteOffset + v * C + c];
                    grads[wteOffset + v * C + c] += d * inp[n * C + c];
                }
            }
        }
    }
}
