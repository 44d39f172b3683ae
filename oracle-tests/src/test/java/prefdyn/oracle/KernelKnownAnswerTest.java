package prefdyn.oracle;

import net.jqwik.api.Example;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import prefdyn.accelerated.kernels.Twins;
import prefdyn.reference.optim.AdamWSettings;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Twin kernels on inputs whose answers are worked out by hand, beside the random differential cases of
 * {@link KernelPairHarnessTest}. Small integers make most answers exact in float32.
 */
@AddLifecycleHook(RequiresOpenCl.class)
class KernelKnownAnswerTest {

    @AfterContainer
    static void everyKernelRanOnOpenCl() {
        assertThat(Twins.kernelsRunOnOpenCl()).as("%s", Twins.executions()).isTrue();
    }

    /** [1 2]·[[1 2 3],[4 5 6]] + [0.5 −1 0] = [9.5 11 15]; the weight and bias sit at offsets 1 and 7. */
    @Example
    void linearForwardByHand() {
        float[] params = {99, 1, 2, 3, 4, 5, 6, 0.5f, -1, 0};
        float[] out = new float[3];
        Twins.call("linearForward", out, new float[] {1, 2}, params, 1, 7, 1, 2, 3);
        assertThat(out).containsExactly(9.5f, 11f, 15f);
    }

    /**
     * For y = x·W with x = [1 2], W = [[1 2 3],[4 5 6]] and dy = [1 0 −1]: dx += W·dy = [−2 −2],
     * dW += xᵀ·dy = [[1 0 −1],[2 0 −2]], db += dy.
     */
    @Example
    void linearBackwardByHand() {
        float[] params = {1, 2, 3, 4, 5, 6, 0, 0, 0};
        float[] grads = new float[9];
        float[] dinp = {10, 20};
        Twins.call("linearBackward", dinp, grads, new float[] {1, 0, -1}, new float[] {1, 2}, params, 0, 6, 1, 2, 3);
        assertThat(dinp).containsExactly(8f, 18f);
        assertThat(grads).containsExactly(1f, 0f, -1f, 2f, 0f, -2f, 1f, 0f, -1f);
    }

    /**
     * The fused forwards on the linear layer of {@link #linearForwardByHand()} (out = [9.5 11 15]): with GELU,
     * gelu(x) = x to float precision for x ≥ 9.5; with a residual [1 −1 0.5], sum = [10.5 10 15.5].
     */
    @Example
    void fusedLinearForwardsByHand() {
        float[] params = {99, 1, 2, 3, 4, 5, 6, 0.5f, -1, 0};
        float[] out = new float[3];
        float[] outGelu = new float[3];
        Twins.call("linearGeluForward", out, outGelu, new float[] {1, 2}, params, 1, 7, 1, 2, 3);
        assertThat(out).containsExactly(9.5f, 11f, 15f);
        assertThat(outGelu).containsExactly(9.5f, 11f, 15f);
        float[] sum = new float[3];
        Twins.call("linearResidualForward", out, sum, new float[] {1, 2}, new float[] {1, -1, 0.5f}, params, 1, 7, 1,
                2, 3);
        assertThat(out).containsExactly(9.5f, 11f, 15f);
        assertThat(sum).containsExactly(10.5f, 10f, 15.5f);
    }

    /**
     * A fused launch writes exactly what its two separate launches write, bit for bit: the work item computes the
     * linear output as {@code linearForward} does and applies the second step to that same float. This is why the
     * engine's backward, which reads both outputs, did not change when the forward was fused.
     */
    @Example
    void fusedForwardsAreBitIdenticalToTheirSeparateKernels() {
        Random random = new Random(17);
        int N = 5;
        int I = 6;
        int O = 7;
        float[] params = gaussian(random, I * O + O);
        float[] inp = gaussian(random, N * I);
        float[] residual = gaussian(random, N * O);
        float[] out = new float[N * O];
        float[] expectedGelu = new float[N * O];
        float[] expectedSum = new float[N * O];
        Twins.call("linearForward", out, inp, params, 0, I * O, N, I, O);
        Twins.call("geluForward", expectedGelu, out, N * O);
        Twins.call("residualForward", expectedSum, residual, out, N * O);

        float[] fusedOut = new float[N * O];
        float[] fusedGelu = new float[N * O];
        Twins.call("linearGeluForward", fusedOut, fusedGelu, inp, params, 0, I * O, N, I, O);
        assertThat(fusedOut).containsExactly(out);
        assertThat(fusedGelu).containsExactly(expectedGelu);
        float[] fusedSum = new float[N * O];
        Twins.call("linearResidualForward", fusedOut, fusedSum, inp, residual, params, 0, I * O, N, I, O);
        assertThat(fusedOut).containsExactly(out);
        assertThat(fusedSum).containsExactly(expectedSum);
    }

    /**
     * The fused residual-and-projection backward on {@link #linearBackwardByHand()}'s layer with dsum = [1 0 −1]:
     * the same dinp and weight/bias gradients, and dresidual = [5 5 5] + dsum.
     */
    @Example
    void linearResidualBackwardByHand() {
        float[] params = {1, 2, 3, 4, 5, 6, 0, 0, 0};
        float[] grads = new float[9];
        float[] dinp = {10, 20};
        float[] dresidual = {5, 5, 5};
        Twins.call("linearResidualBackward", dinp, dresidual, grads, new float[] {1, 0, -1}, new float[] {1, 2},
                params, 0, 6, 1, 2, 3);
        assertThat(dinp).containsExactly(8f, 18f);
        assertThat(grads).containsExactly(1f, 0f, -1f, 2f, 0f, -2f, 1f, 0f, -1f);
        assertThat(dresidual).containsExactly(6f, 5f, 4f);
    }

    /**
     * The fused backward gives what residualBackward (into a cleared dout) followed by linearBackward gives, bit for
     * bit, with every output pre-filled so that "+=" is checked.
     */
    @Example
    void linearResidualBackwardIsBitIdenticalToItsSeparateKernels() {
        Random random = new Random(23);
        int N = 4;
        int I = 5;
        int O = 3;
        float[] params = gaussian(random, I * O + O);
        float[] inp = gaussian(random, N * I);
        float[] dsum = gaussian(random, N * O);
        float[] dinp = gaussian(random, N * I);
        float[] dresidual = gaussian(random, N * O);
        float[] grads = gaussian(random, params.length);

        float[] expectedDinp = dinp.clone();
        float[] expectedDresidual = dresidual.clone();
        float[] expectedGrads = grads.clone();
        float[] dout = new float[N * O];
        Twins.call("residualBackward", expectedDresidual, dout, dsum, N * O);
        Twins.call("linearBackward", expectedDinp, expectedGrads, dout, inp, params, 0, I * O, N, I, O);

        Twins.call("linearResidualBackward", dinp, dresidual, grads, dsum, inp, params, 0, I * O, N, I, O);
        assertThat(dinp).containsExactly(expectedDinp);
        assertThat(dresidual).containsExactly(expectedDresidual);
        assertThat(grads).containsExactly(expectedGrads);
    }

    /**
     * The encoder of a cached step, with wte = [[1 2],[3 4],[5 6]] and wpe = [[10 20],[30 40],[50 60],[70 80]]:
     * token 2 at position 1 gives [35 46], token 0 at position 3 gives [71 82].
     */
    @Example
    void encoderForwardAtPositionsByHand() {
        float[] params = {1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60, 70, 80};
        float[] out = {-1, -1, -1, -1};
        Twins.call("encoderForwardAtPositions", out, new int[] {2, 0}, new int[] {1, 3}, params, 0, 6, 2, 2);
        assertThat(out).containsExactly(35f, 46f, 71f, 82f);
    }

    /**
     * One query of head size 1 at position t = 1, keys and values two apart from offset 1. With q = 0 every score is
     * 0: weights [1/2 1/2], out = (v₀ + v₁)/2 = (4 + 8)/2 = 6, exactly. With q = ln 3 and keys 0 and 1 the scores are
     * 0 and ln 3: weights [1/4 3/4], out = 4/4 + 3·8/4 = 7 (to float rounding of ln 3 and exp). The weights
     * beyond t + 1 and the padding around the output are left alone.
     */
    @Example
    void attendOneQueryByHand() {
        float[] keys = {9, 0, 9, 1, 9};
        float[] values = {9, 4, 9, 8, 9};
        float[] out = {-1, -1, -1};
        float[] weights = {-1, -1, -1, -1};
        Twins.attendOneQuery(out, 1, weights, 1, new float[] {0}, 0, keys, 1, values, 1, 2, 1, 1);
        assertThat(out).containsExactly(-1f, 6f, -1f);
        assertThat(weights).containsExactly(-1f, 0.5f, 0.5f, -1f);

        Twins.attendOneQuery(out, 1, weights, 1, new float[] {(float) Math.log(3)}, 0, keys, 1, values, 1, 2, 1, 1);
        assertThat(out[1]).isCloseTo(7f, within(1e-6f));
        assertThat(weights[1]).isCloseTo(0.25f, within(1e-7f));
        assertThat(weights[2]).isCloseTo(0.75f, within(1e-7f));
        assertThat(weights[3]).isEqualTo(-1f);
    }

    /**
     * C = 2, two qkv rows [q₀ q₁ k₀ k₁ v₀ v₁] = [0 0 1 2 3 4] and [0 0 5 6 7 8], a cache of S = 2 sequences × maxT = 3
     * positions: row 1 goes to (sequence 1, position 0), row 0 to (sequence 0, position 2); every other slot keeps
     * its −1.
     */
    @Example
    void storeKeysValuesByHand() {
        float[] keys = new float[12];
        float[] values = new float[12];
        Arrays.fill(keys, -1);
        Arrays.fill(values, -1);
        Twins.call("storeKeysValues", keys, values, new float[] {0, 0, 1, 2, 3, 4, 0, 0, 5, 6, 7, 8}, new int[] {1, 0},
                new int[] {1, 0}, new int[] {0, 2}, 2, 2, 3);
        assertThat(keys).containsExactly(-1, -1, -1, -1, 1, 2, 5, 6, -1, -1, -1, -1);
        assertThat(values).containsExactly(-1, -1, -1, -1, 3, 4, 7, 8, -1, -1, -1, -1);
    }

    private static float[] gaussian(Random random, int n) {
        float[] values = new float[n];
        for (int k = 0; k < n; k++) {
            values[k] = (float) (2 * random.nextGaussian());
        }
        return values;
    }

    /** B = 2, T = 3, C = 2, lengths [3 1]: row 0 takes position 2, row 1 position 0. */
    @Example
    void lastPositionTakesEachSequencesLastRealRow() {
        float[] inp = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        float[] out = {-1, -1, -1, -1};
        Twins.call("lastPositionForward", out, inp, new int[] {3, 1}, 2, 3, 2);
        assertThat(out).containsExactly(5f, 6f, 7f, 8f);
    }

    @Example
    void logSoftmaxOfEqualLogitsIsMinusLnV() {
        float[] logProbs = new float[5];
        Twins.call("logSoftmaxForward", logProbs, new float[] {3, 3, 3, 3, 3}, 1, 5);
        for (float logProb : logProbs) {
            assertThat((double) logProb).isCloseTo(-Math.log(5), within(1e-6));
        }
    }

    /** With p uniform over V = 4 and upstream gradient on token 2 only: dlogits = e₂ − p. */
    @Example
    void logSoftmaxBackwardOfAUniformRow() {
        float lnQuarter = (float) Math.log(0.25);
        float[] dlogits = new float[4];
        Twins.call("logSoftmaxBackward", dlogits, new float[] {0, 0, 1, 0},
                new float[] {lnQuarter, lnQuarter, lnQuarter, lnQuarter}, 1, 4);
        assertThat(dlogits[0]).isCloseTo(-0.25f, within(1e-7f));
        assertThat(dlogits[2]).isCloseTo(0.75f, within(1e-7f));
    }

    /** Row [1 2 3 4]: mean 2.5, variance 1.25, so x̂ = (x − 2.5)/√(1.25 + 1e-5); then ·2 + 1. */
    @Example
    void layerNormOfOneRowByHand() {
        float[] params = {2, 2, 2, 2, 1, 1, 1, 1};
        float[] out = new float[4];
        float[] mean = new float[1];
        float[] rstd = new float[1];
        Twins.call("layerNormForward", out, mean, rstd, new float[] {1, 2, 3, 4}, params, 0, 4, 1, 4, 1e-5);
        double s = 1 / Math.sqrt(1.25 + 1e-5);
        assertThat(mean[0]).isEqualTo(2.5f);
        assertThat((double) rstd[0]).isCloseTo(s, within(1e-6));
        for (int c = 0; c < 4; c++) {
            assertThat((double) out[c]).isCloseTo((c + 1 - 2.5) * s * 2 + 1, within(1e-6));
        }
    }

    /**
     * The backward of the row of {@link #layerNormOfOneRowByHand()}, x̂ = (x − 2.5)·s with s = 1/√(1.25 + 1e-5), by
     * dx = s·(g − mean(g) − x̂·mean(g·x̂)) with g = w·dy. With w = 2 and dy = [1 1 1 1]: g is constant and x̂ sums to
     * 0, so dx = 0 (dinp keeps its 10s), db += 1 and dw += x̂. With w = 1 and dy = [1 0 0 0]: mean(g) = ¼,
     * mean(g·x̂) = x̂₀/4 = −1.5s/4, so dx_c = s·(δ_c0 − ¼ + (c − 1.5)·1.5·s²/4) = [0.26833 −0.35777 −0.08944 0.17888].
     */
    @Example
    void layerNormBackwardOfOneRowByHand() {
        double s = 1 / Math.sqrt(1.25 + 1e-5);
        float[] inp = {1, 2, 3, 4};
        float[] mean = {2.5f};
        float[] rstd = {(float) s};
        float[] dinp = {10, 10, 10, 10};
        float[] grads = new float[8];
        Twins.call("layerNormBackward", dinp, grads, new float[] {1, 1, 1, 1}, inp,
                new float[] {2, 2, 2, 2, 1, 1, 1, 1}, 0, 4, mean, rstd, 1, 4);
        for (int c = 0; c < 4; c++) {
            assertThat((double) dinp[c]).as("dinp[%d]", c).isCloseTo(10, within(1e-5));
            assertThat((double) grads[c]).as("dw[%d]", c).isCloseTo((c + 1 - 2.5) * s, within(1e-6));
            assertThat(grads[4 + c]).as("db[%d]", c).isEqualTo(1f);
        }
        float[] dx = new float[4];
        Twins.call("layerNormBackward", dx, new float[8], new float[] {1, 0, 0, 0}, inp,
                new float[] {1, 1, 1, 1, 0, 0, 0, 0}, 0, 4, mean, rstd, 1, 4);
        double[] expected = {0.2683303, -0.3577684, -0.0894434, 0.1788815};
        for (int c = 0; c < 4; c++) {
            assertThat((double) dx[c]).as("dx[%d]", c).isCloseTo(expected[c], within(1e-6));
        }
    }

    /** gelu(0) = 0, gelu(1) = ½(1 + tanh(√(2/π)·1.044715)) = 0.8411920, gelu(−10) ≈ 0. */
    @Example
    void geluAtKnownPoints() {
        float[] out = new float[3];
        Twins.call("geluForward", out, new float[] {0, 1, -10}, 3);
        assertThat(out[0]).isZero();
        assertThat((double) out[1]).isCloseTo(0.8411920, within(1e-6));
        assertThat((double) out[2]).isCloseTo(0.0, within(1e-6));
    }

    /**
     * gelu'(x) = ½(1 + tanh u) + ½·x·(1 − tanh² u)·√(2/π)·(1 + 3·0.044715·x²) with u = √(2/π)(x + 0.044715x³):
     * gelu'(0) = ½, gelu'(1) = 1.0829641, gelu'(−10) ≈ 0; dinp accumulates dout·gelu'(x). At x = −10, u = −43.7 and
     * a float tanh may return one ulp above −1 (PoCL's does): 1 − tanh² u is then 1.2e-7 instead of 0, and the factor
     * x·√(2/π)·(1 + 3·0.044715·x²) ≈ −115 makes gelu'(−10) about −7e-6, which the kernel's tolerance (rel 3e-5 of
     * the largest output) allows; the bound here is 1e-5.
     */
    @Example
    void geluBackwardAtKnownPoints() {
        float[] dinp = {1, 0, 5};
        Twins.call("geluBackward", dinp, new float[] {0, 1, -10}, new float[] {2, 1, 1}, 3);
        assertThat(dinp[0]).isEqualTo(2f);
        assertThat((double) dinp[1]).isCloseTo(1.0829641, within(1e-6));
        assertThat((double) dinp[2]).isCloseTo(5, within(1e-5));
    }

    /** One position attends only to itself: att = 1 and out = v. */
    @Example
    void attentionOfASinglePositionReturnsItsValue() {
        float[] qkv = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}; // C = 4: q | k | v
        float[] out = new float[4];
        float[] att = new float[2];
        Twins.call("attentionForward", out, att, qkv, 1, 1, 4, 2);
        assertThat(att).containsExactly(1f, 1f);
        assertThat(out).containsExactly(9f, 10f, 11f, 12f);
    }

    /**
     * The backward of {@link #attentionOfASinglePositionReturnsItsValue()}: out = v, so dv += dout; the softmax over
     * one position has zero derivative (dpreatt = att·(datt − att·datt) = 0), so dq and dk get nothing.
     */
    @Example
    void attentionBackwardOfASinglePositionPassesTheGradientToItsValue() {
        float[] qkv = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        float[] dqkv = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
        Twins.attentionBackward(dqkv, new float[] {1, 2, 3, 4}, qkv, new float[] {1, 1}, 1, 1, 4, 2);
        assertThat(dqkv).containsExactly(1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f, 2f, 3f, 4f, 5f);
    }

    /** out[t] = wte[token] + wpe[t]: tokens [2, 0], C = 2. */
    @Example
    void encoderAddsTokenAndPositionRows() {
        float[] params = {1, 2, 3, 4, 5, 6, 10, 20, 30, 40}; // wte [3,2] at 0, wpe [2,2] at 6
        float[] out = new float[4];
        Twins.call("encoderForward", out, new int[] {2, 0}, params, 0, 6, 1, 2, 2);
        assertThat(out).containsExactly(15f, 26f, 31f, 42f);
        float[] grads = new float[10];
        Twins.call("encoderBackward", grads, 0, 6, new float[] {1, 2, 3, 4}, new int[] {2, 2}, 1, 2, 2);
        assertThat(grads).containsExactly(0f, 0f, 0f, 0f, 4f, 6f, 1f, 2f, 3f, 4f);
    }

    @Example
    void residualAddsAndItsBackwardCopies() {
        float[] out = new float[2];
        Twins.call("residualForward", out, new float[] {1, 2}, new float[] {10, 20}, 2);
        assertThat(out).containsExactly(11f, 22f);
        float[] d1 = {1, 1};
        float[] d2 = {0, 0};
        Twins.call("residualBackward", d1, d2, new float[] {5, 6}, 2);
        assertThat(d1).containsExactly(6f, 7f);
        assertThat(d2).containsExactly(5f, 6f);
    }

    /** logits = x · wteᵀ with x = [1 2], wte = [[1 0],[0 1],[1 1]]. */
    @Example
    void lmHeadIsADotWithEachEmbeddingRow() {
        float[] logits = new float[3];
        Twins.call("lmHeadForward", logits, new float[] {1, 2}, new float[] {1, 0, 0, 1, 1, 1}, 0, 1, 2, 3);
        assertThat(logits).containsExactly(1f, 2f, 3f);
    }

    /**
     * The backward of {@link #lmHeadIsADotWithEachEmbeddingRow()} with dlogits = [1 0 −1]: dx += Σ_v dlogits_v·wte_v
     * = [1 0] − [1 1] = [0 −1], dwte_v += dlogits_v·x = [1 2], [0 0], [−1 −2]. A second row whose dlogits are all 0
     * changes nothing.
     */
    @Example
    void lmHeadBackwardByHand() {
        float[] dinp = {10, 10, 3, 3};
        float[] grads = new float[6];
        Twins.call("lmHeadBackward", dinp, grads, new float[] {1, 0, -1, 0, 0, 0}, new float[] {1, 2, 5, 5},
                new float[] {1, 0, 0, 1, 1, 1}, 0, 2, 2, 3);
        assertThat(dinp).containsExactly(10f, 9f, 3f, 3f);
        assertThat(grads).containsExactly(1f, 2f, 0f, 0f, -1f, -2f);
    }

    /** Position t reads its own token out of the distribution at t − 1; position 0 and padding give 0. */
    @Example
    void tokenLogProbGathersTheNextToken() {
        float[] logProbs = {-1, -2, -3, -4, -5, -6}; // B = 1, T = 3, V = 2
        float[] picked = new float[3];
        Twins.call("tokenLogProbForward", picked, logProbs, new int[] {0, 1, 0}, new int[] {3}, 1, 3, 2);
        assertThat(picked).containsExactly(0f, -2f, -3f);
        float[] entropies = new float[3];
        float[] maxProbs = new float[3];
        float half = (float) Math.log(0.5);
        Twins.call("predictionStatistics", entropies, maxProbs, new float[] {half, half, half, half, half, half},
                new int[] {3}, 1, 3, 2);
        assertThat((double) entropies[1]).isCloseTo(Math.log(2), within(1e-7));
        assertThat(maxProbs[1]).isEqualTo(0.5f);
        assertThat(entropies[0]).isZero();
    }

    /**
     * The backward of {@link #tokenLogProbGathersTheNextToken()}: dlogProbs[b, t − 1, tokens[b, t]] += d[b, t] for
     * 1 ≤ t &lt; lengths[b]. Sequence 0 (length 3, tokens [0 1 0]): d = 2 lands at (t 0, token 1), d = 3 at (t 1,
     * token 0); position 0's 7 has no predicting position. Sequence 1 (length 1) is all padding: nothing lands.
     */
    @Example
    void tokenLogProbBackwardScattersToThePredictingPosition() {
        float[] dlogProbs = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}; // B = 2, T = 3, V = 2
        Twins.call("tokenLogProbBackward", dlogProbs, new float[] {7, 2, 3, 5, 5, 5}, new int[] {0, 1, 0, 1, 1, 1},
                new int[] {3, 1}, 2, 3, 2);
        assertThat(dlogProbs).containsExactly(1f, 3f, 4f, 1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f);
    }

    /** First AdamW step: m̂ = g and v̂ = g², so θ moves by lr·g/(|g| + ε) ≈ lr·sign(g); with decay θ·(1 − lr·λ) first. */
    @Example
    void firstAdamWStepMovesEachParameterByTheLearningRate() {
        float[] params = {1, 1};
        float[] grads = {0.5f, -2f};
        float[] m = new float[2];
        float[] v = new float[2];
        Twins.step(params, grads, m, v, new boolean[] {false, true}, 1, new AdamWSettings(0.9, 0.999, 1e-8, 0.5), 0.1);
        assertThat((double) params[0]).isCloseTo(0.9, within(1e-6));
        assertThat((double) params[1]).isCloseTo(1 * (1 - 0.1 * 0.5) + 0.1, within(1e-6));
        assertThat((double) m[1]).isCloseTo(-0.2, within(1e-7));
        assertThat((double) v[1]).isCloseTo(0.004, within(1e-9));
    }

    @Example
    void normDotAndClippingOfSmallVectors() {
        assertThat(Twins.globalNorm(new float[] {3, 4})).isEqualTo(5.0);
        assertThat(Twins.dot(new float[] {1, 2, 3}, new float[] {4, 5, 6}, 0, 3)).isEqualTo(32.0);
        assertThat(Twins.dot(new float[] {1, 2, 3}, new float[] {4, 5, 6}, 1, 2)).isEqualTo(10.0);
        float[] grads = {3, 4};
        assertThat(Twins.clipGlobalNorm(grads, 1.0)).isEqualTo(5.0);
        assertThat((double) grads[0]).isCloseTo(0.6, within(1e-6));
        assertThat((double) grads[1]).isCloseTo(0.8, within(1e-6));
    }
}
