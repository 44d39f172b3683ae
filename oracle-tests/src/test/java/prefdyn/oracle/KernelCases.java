package prefdyn.oracle;

import prefdyn.accelerated.kernels.Twins;
import prefdyn.reference.layers.Attention;
import prefdyn.reference.layers.LayerNorm;
import prefdyn.reference.layers.LogSoftmax;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.ParameterLayout;
import prefdyn.reference.model.TensorView;
import prefdyn.reference.optim.AdamW;
import prefdyn.reference.optim.AdamWSettings;
import prefdyn.reference.util.Parallel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The two cases of every twin kernel, by name:
 * <ul>
 *   <li>{@link #build}: seeded random arguments of the reference method, for the differential harness: valid shapes,
 *       token ids in range, tensors at random offsets inside a larger parameter array, accumulated arrays pre-filled
 *       with noise (so "+=" is checked, not "="), outputs pre-filled with noise (so every element must be written),
 *       and inputs that must come from a forward (attention weights, LayerNorm statistics, log-probs) computed by
 *       the reference forward;</li>
 *   <li>{@link #knownAnswer}: inputs small enough to work out by hand, and the answer, beside it.</li>
 * </ul>
 * A new kernel's tests are its two entries here.
 */
final class KernelCases {

    /** Sizes a case draws from: batch B, width T, channels C = H·headSize, vocabulary V, linear I → O. */
    record Shape(int B, int T, int H, int headSize, int V, int I, int O) {
        int C() {
            return H * headSize;
        }

        int N() {
            return B * T;
        }
    }

    /**
     * One call of a pair.
     *
     * @param receiver  the object for an instance method (AdamW), else null
     * @param reference arguments of the reference method
     * @param twin      arguments of the twin, or null to derive them from {@code reference} (double[] → float[],
     *                  without the Parallel)
     * @param extras    state to compare besides the arguments and the return value
     */
    record Invocation(Object receiver, Object[] reference, Object[] twin, List<Extra> extras) {
        static Invocation of(Object... reference) {
            return new Invocation(null, reference, null, List.of());
        }
    }

    /** A further quantity to compare after the call, e.g. AdamW's moments. */
    record Extra(String name, Supplier<double[]> reference, Supplier<double[]> twin) {
    }

    private static final Parallel SEQUENTIAL = Parallel.sequential();
    private static final double EPS = GptConfig.LAYER_NORM_EPS;

    private KernelCases() {
    }

    /**
     * The arguments of one call of the kernel {@code name} (a row of the table of {@code TwinProgram}); every row
     * must have a case here ({@link KernelInventoryTest} builds them all, without a device).
     */
    static Invocation build(String name, Shape s, Random r) {
        int B = s.B();
        int T = s.T();
        int C = s.C();
        int H = s.H();
        int V = s.V();
        int N = s.N();
        int I = s.I();
        int O = s.O();
        return switch (name) {
            case "encoderForward", "encoderBackward" -> {
                int maxT = T + r.nextInt(3);
                Params p = new Params(r);
                int wte = p.place(V * C);
                int wpe = p.place(maxT * C);
                int[] tokens = tokens(r, N, V);
                yield name.equals("encoderForward")
                        ? Invocation.of(noise(r, N * C), tokens, p.values(), wte, wpe, B, T, C)
                        : Invocation.of(noise(r, p.size()), wte, wpe, noise(r, N * C), tokens, B, T, C);
            }
            case "encoderForwardAtPositions" -> {
                int maxT = T + r.nextInt(3);
                Params p = new Params(r);
                int wte = p.place(V * C);
                int wpe = p.place(maxT * C);
                int[] positions = new int[N];
                for (int n = 0; n < N; n++) {
                    positions[n] = r.nextInt(maxT);
                }
                yield Invocation.of(noise(r, N * C), tokens(r, N, V), positions, p.values(), wte, wpe, N, C);
            }
            case "layerNormForward" -> {
                Params p = new Params(r);
                int weight = p.place(C);
                int bias = p.place(C);
                yield Invocation.of(SEQUENTIAL, noise(r, N * C), noise(r, N), noise(r, N), shifted(r, N * C),
                        p.values(), weight, bias, N, C, EPS);
            }
            case "layerNormBackward" -> {
                Params p = new Params(r);
                int weight = p.place(C);
                int bias = p.place(C);
                double[] inp = shifted(r, N * C);
                double[] mean = new double[N];
                double[] rstd = new double[N];
                LayerNorm.layerNormForward(SEQUENTIAL, new double[N * C], mean, rstd, inp, p.values(), weight, bias,
                        N, C, EPS);
                yield Invocation.of(SEQUENTIAL, noise(r, N * C), noise(r, p.size()), noise(r, N * C), inp, p.values(),
                        weight, bias, mean, rstd, N, C);
            }
            case "linearForward", "linearBackward" -> {
                Params p = new Params(r);
                int weight = p.place(I * O);
                int bias = r.nextInt(3) == 0 ? -1 : p.place(O);
                yield name.equals("linearForward")
                        ? Invocation.of(SEQUENTIAL, noise(r, N * O), noise(r, N * I), p.values(), weight, bias, N, I, O)
                        : Invocation.of(SEQUENTIAL, r.nextInt(3) == 0 ? null : noise(r, N * I), noise(r, p.size()),
                        noise(r, N * O), noise(r, N * I), p.values(), weight, bias, N, I, O);
            }
            case "linearGeluForward", "linearResidualForward" -> {
                Params p = new Params(r);
                int weight = p.place(I * O);
                int bias = r.nextInt(3) == 0 ? -1 : p.place(O);
                yield name.equals("linearGeluForward")
                        ? Invocation.of(SEQUENTIAL, noise(r, N * O), noise(r, N * O), noise(r, N * I), p.values(),
                        weight, bias, N, I, O)
                        : Invocation.of(SEQUENTIAL, noise(r, N * O), noise(r, N * O), noise(r, N * I),
                        noise(r, N * O), p.values(), weight, bias, N, I, O);
            }
            case "linearResidualBackward" -> {
                Params p = new Params(r);
                int weight = p.place(I * O);
                int bias = r.nextInt(3) == 0 ? -1 : p.place(O);
                yield Invocation.of(SEQUENTIAL, r.nextInt(3) == 0 ? null : noise(r, N * I), noise(r, N * O),
                        noise(r, p.size()), noise(r, N * O), noise(r, N * I), p.values(), weight, bias, N, I, O);
            }
            case "lastPositionForward" ->
                    Invocation.of(noise(r, B * C), noise(r, N * C), lengths(r, B, T), B, T, C);
            case "attentionForward" ->
                    Invocation.of(SEQUENTIAL, noise(r, N * C), noise(r, B * H * T * T), noise(r, N * 3 * C), B, T, C, H);
            case "attendOneQuery" -> {
                // one query of head size hs at position t over t + 1 keys and values `stride` apart, every tensor at
                // a random start inside a larger array (the weights beyond t + 1 must stay untouched)
                int hs = s.headSize();
                int t = r.nextInt(T);
                int stride = hs + r.nextInt(2 * C + 1);
                int outStart = r.nextInt(3);
                int weightsStart = r.nextInt(3);
                int queryStart = r.nextInt(3);
                int firstKey = r.nextInt(3);
                int firstValue = r.nextInt(3);
                yield Invocation.of(noise(r, outStart + hs + r.nextInt(3)), outStart,
                        noise(r, weightsStart + T + 1), weightsStart,
                        noise(r, queryStart + hs + r.nextInt(3)), queryStart,
                        noise(r, firstKey + t * stride + hs + r.nextInt(3)), firstKey,
                        noise(r, firstValue + t * stride + hs + r.nextInt(3)), firstValue, stride, t, hs);
            }
            case "storeKeysValues" -> {
                // R distinct (sequence, position) slots of an [S,maxT,C] cache, each from a random qkv row
                int S = 1 + r.nextInt(3);
                int maxT = T;
                List<Integer> slots = new ArrayList<>();
                for (int slot = 0; slot < S * maxT; slot++) {
                    slots.add(slot);
                }
                Collections.shuffle(slots, r);
                int R = 1 + r.nextInt(S * maxT);
                int[] qkvRows = new int[R];
                int[] sequences = new int[R];
                int[] positions = new int[R];
                for (int k = 0; k < R; k++) {
                    qkvRows[k] = r.nextInt(N);
                    sequences[k] = slots.get(k) / maxT;
                    positions[k] = slots.get(k) % maxT;
                }
                yield Invocation.of(noise(r, S * maxT * C), noise(r, S * maxT * C), noise(r, N * 3 * C), qkvRows,
                        sequences, positions, R, C, maxT);
            }
            case "attentionBackward" -> {
                double[] qkv = noise(r, N * 3 * C);
                double[] att = new double[B * H * T * T];
                Attention.attentionForward(SEQUENTIAL, new double[N * C], att, qkv, B, T, C, H);
                yield Invocation.of(SEQUENTIAL, noise(r, N * 3 * C), noise(r, N * C), qkv, att, B, T, C, H);
            }
            case "geluForward" -> Invocation.of(SEQUENTIAL, noise(r, N * C), scaled(r, N * C, 3.0), N * C);
            case "geluBackward" ->
                    Invocation.of(SEQUENTIAL, noise(r, N * C), scaled(r, N * C, 3.0), noise(r, N * C), N * C);
            case "residualForward" -> Invocation.of(noise(r, N * C), noise(r, N * C), noise(r, N * C), N * C);
            case "residualBackward" -> Invocation.of(noise(r, N * C), noise(r, N * C), noise(r, N * C), N * C);
            case "lmHeadForward", "lmHeadBackward" -> {
                Params p = new Params(r);
                int wte = p.place(V * C);
                yield name.equals("lmHeadForward")
                        ? Invocation.of(SEQUENTIAL, noise(r, N * V), noise(r, N * C), p.values(), wte, N, C, V)
                        : Invocation.of(SEQUENTIAL, noise(r, N * C), noise(r, p.size()), sparse(r, N * V),
                        noise(r, N * C), p.values(), wte, N, C, V);
            }
            case "logSoftmaxForward" -> Invocation.of(SEQUENTIAL, noise(r, N * V), scaled(r, N * V, 3.0), N, V);
            case "logSoftmaxBackward" -> {
                double[] logProbs = logProbs(r, N, V);
                double[] dlogProbs = noise(r, N * V);
                for (int v = 0; v < V; v++) {
                    dlogProbs[v] = 0.0; // one row without upstream gradient, left untouched
                }
                yield Invocation.of(SEQUENTIAL, noise(r, N * V), dlogProbs, logProbs, N, V);
            }
            case "tokenLogProbForward" -> Invocation.of(noise(r, N), logProbs(r, N, V), tokens(r, N, V),
                    lengths(r, B, T), B, T, V);
            case "tokenLogProbBackward" -> Invocation.of(noise(r, N * V), noise(r, N), tokens(r, N, V),
                    lengths(r, B, T), B, T, V);
            case "predictionStatistics" -> Invocation.of(noise(r, N), noise(r, N), logProbs(r, N, V),
                    lengths(r, B, T), B, T, V);
            case "step" -> adamWStep(s, r);
            case "globalNorm" -> Invocation.of((Object) noise(r, 1 + r.nextInt(3000)));
            case "clipGlobalNorm" -> {
                double[] grads = noise(r, 1 + r.nextInt(3000));
                double norm = norm(grads);
                yield Invocation.of(grads, r.nextBoolean() ? 0.5 * norm : 2 * norm);
            }
            case "dot" -> {
                int size = 1 + r.nextInt(3000);
                int start = r.nextInt(size);
                int end = start + r.nextInt(size - start + 1);
                yield Invocation.of(noise(r, size), noise(r, size), start, end);
            }
            default -> throw new IllegalStateException("no test case for the kernel " + name
                    + ": add one to KernelCases (see the checklist in prefdyn.accelerated.kernels)");
        };
    }

    /**
     * The hand-worked answer of the kernel {@code name}: a check that runs the twin on inputs small enough to work out
     * by hand (small integers make most answers exact in float32) and asserts the result, beside the random case of
     * {@link #build}. Every row must have one ({@link KernelInventoryTest} asks for them all without a device;
     * {@link KernelKnownAnswerTest} runs them on it).
     */
    static Runnable knownAnswer(String name) {
        return switch (name) {
            case "encoderForward" -> KernelCases::encoderAddsTokenAndPositionRows;
            case "encoderBackward" -> KernelCases::encoderBackwardSumsIntoTheRowsItRead;
            case "encoderForwardAtPositions" -> KernelCases::encoderForwardAtPositionsByHand;
            case "layerNormForward" -> KernelCases::layerNormOfOneRowByHand;
            case "layerNormBackward" -> KernelCases::layerNormBackwardOfOneRowByHand;
            case "linearForward" -> KernelCases::linearForwardByHand;
            case "linearBackward" -> KernelCases::linearBackwardByHand;
            case "linearGeluForward" -> KernelCases::linearGeluForwardByHand;
            case "linearResidualForward" -> KernelCases::linearResidualForwardByHand;
            case "linearResidualBackward" -> KernelCases::linearResidualBackwardByHand;
            case "attentionForward" -> KernelCases::attentionOfASinglePositionReturnsItsValue;
            case "attentionBackward" -> KernelCases::attentionBackwardOfASinglePositionPassesTheGradientToItsValue;
            case "attendOneQuery" -> KernelCases::attendOneQueryByHand;
            case "storeKeysValues" -> KernelCases::storeKeysValuesByHand;
            case "geluForward" -> KernelCases::geluAtKnownPoints;
            case "geluBackward" -> KernelCases::geluBackwardAtKnownPoints;
            case "residualForward" -> KernelCases::residualAdds;
            case "residualBackward" -> KernelCases::residualBackwardPassesTheGradientToBothInputs;
            case "lastPositionForward" -> KernelCases::lastPositionTakesEachSequencesLastRealRow;
            case "lmHeadForward" -> KernelCases::lmHeadIsADotWithEachEmbeddingRow;
            case "lmHeadBackward" -> KernelCases::lmHeadBackwardByHand;
            case "logSoftmaxForward" -> KernelCases::logSoftmaxOfEqualLogitsIsMinusLnV;
            case "logSoftmaxBackward" -> KernelCases::logSoftmaxBackwardOfAUniformRow;
            case "tokenLogProbForward" -> KernelCases::tokenLogProbGathersTheNextToken;
            case "tokenLogProbBackward" -> KernelCases::tokenLogProbBackwardScattersToThePredictingPosition;
            case "predictionStatistics" -> KernelCases::predictionStatisticsOfAFairCoin;
            case "step" -> KernelCases::firstAdamWStepMovesEachParameterByTheLearningRate;
            case "globalNorm" -> KernelCases::globalNormOfAThreeFourFiveVector;
            case "clipGlobalNorm" -> KernelCases::clippingAThreeFourFiveVectorToNormOne;
            case "dot" -> KernelCases::dotOfSmallVectors;
            default -> throw new IllegalStateException("no known answer for the kernel " + name
                    + ": add one to KernelCases (see the checklist in prefdyn.accelerated.kernels)");
        };
    }

    // ---- the hand-worked answers, in the order of the table of TwinProgram --------------------------------------

    /** out[t] = wte[token] + wpe[t]: tokens [2, 0], C = 2. */
    private static void encoderAddsTokenAndPositionRows() {
        float[] params = {1, 2, 3, 4, 5, 6, 10, 20, 30, 40}; // wte [3,2] at 0, wpe [2,2] at 6
        float[] out = new float[4];
        Twins.call("encoderForward", out, new int[] {2, 0}, params, 0, 6, 1, 2, 2);
        assertThat(out).containsExactly(15f, 26f, 31f, 42f);
    }

    /**
     * The backward of {@link #encoderAddsTokenAndPositionRows()} with tokens [2, 2] and dout = [[1 2],[3 4]]: token 2's
     * row of wte gets both rows' gradients, [4 6]; each position's row of wpe its own.
     */
    private static void encoderBackwardSumsIntoTheRowsItRead() {
        float[] grads = new float[10];
        Twins.call("encoderBackward", grads, 0, 6, new float[] {1, 2, 3, 4}, new int[] {2, 2}, 1, 2, 2);
        assertThat(grads).containsExactly(0f, 0f, 0f, 0f, 4f, 6f, 1f, 2f, 3f, 4f);
    }

    /**
     * The encoder of a cached step, with wte = [[1 2],[3 4],[5 6]] and wpe = [[10 20],[30 40],[50 60],[70 80]]:
     * token 2 at position 1 gives [35 46], token 0 at position 3 gives [71 82].
     */
    private static void encoderForwardAtPositionsByHand() {
        float[] params = {1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60, 70, 80};
        float[] out = {-1, -1, -1, -1};
        Twins.call("encoderForwardAtPositions", out, new int[] {2, 0}, new int[] {1, 3}, params, 0, 6, 2, 2);
        assertThat(out).containsExactly(35f, 46f, 71f, 82f);
    }

    /** Row [1 2 3 4]: mean 2.5, variance 1.25, so x̂ = (x − 2.5)/√(1.25 + 1e-5); then ·2 + 1. */
    private static void layerNormOfOneRowByHand() {
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
    private static void layerNormBackwardOfOneRowByHand() {
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

    /** [1 2]·[[1 2 3],[4 5 6]] + [0.5 −1 0] = [9.5 11 15]; the weight and bias sit at offsets 1 and 7. */
    private static void linearForwardByHand() {
        float[] params = {99, 1, 2, 3, 4, 5, 6, 0.5f, -1, 0};
        float[] out = new float[3];
        Twins.call("linearForward", out, new float[] {1, 2}, params, 1, 7, 1, 2, 3);
        assertThat(out).containsExactly(9.5f, 11f, 15f);
    }

    /**
     * For y = x·W with x = [1 2], W = [[1 2 3],[4 5 6]] and dy = [1 0 −1]: dx += W·dy = [−2 −2],
     * dW += xᵀ·dy = [[1 0 −1],[2 0 −2]], db += dy.
     */
    private static void linearBackwardByHand() {
        float[] params = {1, 2, 3, 4, 5, 6, 0, 0, 0};
        float[] grads = new float[9];
        float[] dinp = {10, 20};
        Twins.call("linearBackward", dinp, grads, new float[] {1, 0, -1}, new float[] {1, 2}, params, 0, 6, 1, 2, 3);
        assertThat(dinp).containsExactly(8f, 18f);
        assertThat(grads).containsExactly(1f, 0f, -1f, 2f, 0f, -2f, 1f, 0f, -1f);
    }

    /**
     * The linear layer of {@link #linearForwardByHand()} (out = [9.5 11 15]) followed by GELU: gelu(x) = x to float
     * precision for x ≥ 9.5.
     */
    private static void linearGeluForwardByHand() {
        float[] params = {99, 1, 2, 3, 4, 5, 6, 0.5f, -1, 0};
        float[] out = new float[3];
        float[] outGelu = new float[3];
        Twins.call("linearGeluForward", out, outGelu, new float[] {1, 2}, params, 1, 7, 1, 2, 3);
        assertThat(out).containsExactly(9.5f, 11f, 15f);
        assertThat(outGelu).containsExactly(9.5f, 11f, 15f);
    }

    /** The linear layer of {@link #linearForwardByHand()} plus a residual [1 −1 0.5]: sum = [10.5 10 15.5]. */
    private static void linearResidualForwardByHand() {
        float[] params = {99, 1, 2, 3, 4, 5, 6, 0.5f, -1, 0};
        float[] out = new float[3];
        float[] sum = new float[3];
        Twins.call("linearResidualForward", out, sum, new float[] {1, 2}, new float[] {1, -1, 0.5f}, params, 1, 7, 1,
                2, 3);
        assertThat(out).containsExactly(9.5f, 11f, 15f);
        assertThat(sum).containsExactly(10.5f, 10f, 15.5f);
    }

    /**
     * The fused residual-and-projection backward on {@link #linearBackwardByHand()}'s layer with dsum = [1 0 −1]:
     * the same dinp and weight/bias gradients, and dresidual = [5 5 5] + dsum.
     */
    private static void linearResidualBackwardByHand() {
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

    /** One position attends only to itself: att = 1 and out = v. */
    private static void attentionOfASinglePositionReturnsItsValue() {
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
    private static void attentionBackwardOfASinglePositionPassesTheGradientToItsValue() {
        float[] qkv = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        float[] dqkv = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
        Twins.attentionBackward(dqkv, new float[] {1, 2, 3, 4}, qkv, new float[] {1, 1}, 1, 1, 4, 2);
        assertThat(dqkv).containsExactly(1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f, 2f, 3f, 4f, 5f);
    }

    /**
     * One query of head size 1 at position t = 1, keys and values two apart from offset 1. With q = 0 every score is
     * 0: weights [1/2 1/2], out = (v₀ + v₁)/2 = (4 + 8)/2 = 6, exactly. With q = ln 3 and keys 0 and 1 the scores are
     * 0 and ln 3: weights [1/4 3/4], out = 4/4 + 3·8/4 = 7 (to float rounding of ln 3 and exp). The weights
     * beyond t + 1 and the padding around the output are left alone.
     */
    private static void attendOneQueryByHand() {
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
    private static void storeKeysValuesByHand() {
        float[] keys = new float[12];
        float[] values = new float[12];
        Arrays.fill(keys, -1);
        Arrays.fill(values, -1);
        Twins.call("storeKeysValues", keys, values, new float[] {0, 0, 1, 2, 3, 4, 0, 0, 5, 6, 7, 8}, new int[] {1, 0},
                new int[] {1, 0}, new int[] {0, 2}, 2, 2, 3);
        assertThat(keys).containsExactly(-1, -1, -1, -1, 1, 2, 5, 6, -1, -1, -1, -1);
        assertThat(values).containsExactly(-1, -1, -1, -1, 3, 4, 7, 8, -1, -1, -1, -1);
    }

    /** gelu(0) = 0, gelu(1) = ½(1 + tanh(√(2/π)·1.044715)) = 0.8411920, gelu(−10) ≈ 0. */
    private static void geluAtKnownPoints() {
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
    private static void geluBackwardAtKnownPoints() {
        float[] dinp = {1, 0, 5};
        Twins.call("geluBackward", dinp, new float[] {0, 1, -10}, new float[] {2, 1, 1}, 3);
        assertThat(dinp[0]).isEqualTo(2f);
        assertThat((double) dinp[1]).isCloseTo(1.0829641, within(1e-6));
        assertThat((double) dinp[2]).isCloseTo(5, within(1e-5));
    }

    /** [1 2] + [10 20] = [11 22]. */
    private static void residualAdds() {
        float[] out = new float[2];
        Twins.call("residualForward", out, new float[] {1, 2}, new float[] {10, 20}, 2);
        assertThat(out).containsExactly(11f, 22f);
    }

    /** out = a + b, so da += dout and db += dout: dout = [5 6] onto da = [1 1] and db = [0 0]. */
    private static void residualBackwardPassesTheGradientToBothInputs() {
        float[] d1 = {1, 1};
        float[] d2 = {0, 0};
        Twins.call("residualBackward", d1, d2, new float[] {5, 6}, 2);
        assertThat(d1).containsExactly(6f, 7f);
        assertThat(d2).containsExactly(5f, 6f);
    }

    /** B = 2, T = 3, C = 2, lengths [3 1]: row 0 takes position 2, row 1 position 0. */
    private static void lastPositionTakesEachSequencesLastRealRow() {
        float[] inp = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        float[] out = {-1, -1, -1, -1};
        Twins.call("lastPositionForward", out, inp, new int[] {3, 1}, 2, 3, 2);
        assertThat(out).containsExactly(5f, 6f, 7f, 8f);
    }

    /** logits = x · wteᵀ with x = [1 2], wte = [[1 0],[0 1],[1 1]]. */
    private static void lmHeadIsADotWithEachEmbeddingRow() {
        float[] logits = new float[3];
        Twins.call("lmHeadForward", logits, new float[] {1, 2}, new float[] {1, 0, 0, 1, 1, 1}, 0, 1, 2, 3);
        assertThat(logits).containsExactly(1f, 2f, 3f);
    }

    /**
     * The backward of {@link #lmHeadIsADotWithEachEmbeddingRow()} with dlogits = [1 0 −1]: dx += Σ_v dlogits_v·wte_v
     * = [1 0] − [1 1] = [0 −1], dwte_v += dlogits_v·x = [1 2], [0 0], [−1 −2]. A second row whose dlogits are all 0
     * changes nothing.
     */
    private static void lmHeadBackwardByHand() {
        float[] dinp = {10, 10, 3, 3};
        float[] grads = new float[6];
        Twins.call("lmHeadBackward", dinp, grads, new float[] {1, 0, -1, 0, 0, 0}, new float[] {1, 2, 5, 5},
                new float[] {1, 0, 0, 1, 1, 1}, 0, 2, 2, 3);
        assertThat(dinp).containsExactly(10f, 9f, 3f, 3f);
        assertThat(grads).containsExactly(1f, 2f, 0f, 0f, -1f, -2f);
    }

    /** Equal logits give −ln V everywhere. */
    private static void logSoftmaxOfEqualLogitsIsMinusLnV() {
        float[] logProbs = new float[5];
        Twins.call("logSoftmaxForward", logProbs, new float[] {3, 3, 3, 3, 3}, 1, 5);
        for (float logProb : logProbs) {
            assertThat((double) logProb).isCloseTo(-Math.log(5), within(1e-6));
        }
    }

    /** With p uniform over V = 4 and upstream gradient on token 2 only: dlogits = e₂ − p. */
    private static void logSoftmaxBackwardOfAUniformRow() {
        float lnQuarter = (float) Math.log(0.25);
        float[] dlogits = new float[4];
        Twins.call("logSoftmaxBackward", dlogits, new float[] {0, 0, 1, 0},
                new float[] {lnQuarter, lnQuarter, lnQuarter, lnQuarter}, 1, 4);
        assertThat(dlogits[0]).isCloseTo(-0.25f, within(1e-7f));
        assertThat(dlogits[2]).isCloseTo(0.75f, within(1e-7f));
    }

    /** Position t reads its own token out of the distribution at t − 1; position 0 gives 0. */
    private static void tokenLogProbGathersTheNextToken() {
        float[] logProbs = {-1, -2, -3, -4, -5, -6}; // B = 1, T = 3, V = 2
        float[] picked = new float[3];
        Twins.call("tokenLogProbForward", picked, logProbs, new int[] {0, 1, 0}, new int[] {3}, 1, 3, 2);
        assertThat(picked).containsExactly(0f, -2f, -3f);
    }

    /**
     * The backward of {@link #tokenLogProbGathersTheNextToken()}: dlogProbs[b, t − 1, tokens[b, t]] += d[b, t] for
     * 1 ≤ t &lt; lengths[b]. Sequence 0 (length 3, tokens [0 1 0]): d = 2 lands at (t 0, token 1), d = 3 at (t 1,
     * token 0); position 0's 7 has no predicting position. Sequence 1 (length 1) is all padding: nothing lands.
     */
    private static void tokenLogProbBackwardScattersToThePredictingPosition() {
        float[] dlogProbs = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}; // B = 2, T = 3, V = 2
        Twins.call("tokenLogProbBackward", dlogProbs, new float[] {7, 2, 3, 5, 5, 5}, new int[] {0, 1, 0, 1, 1, 1},
                new int[] {3, 1}, 2, 3, 2);
        assertThat(dlogProbs).containsExactly(1f, 3f, 4f, 1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f);
    }

    /** Two equally likely tokens at every position: entropy ln 2 and top probability ½; position 0 gives 0. */
    private static void predictionStatisticsOfAFairCoin() {
        float[] entropies = new float[3];
        float[] maxProbs = new float[3];
        float half = (float) Math.log(0.5);
        Twins.call("predictionStatistics", entropies, maxProbs, new float[] {half, half, half, half, half, half},
                new int[] {3}, 1, 3, 2);
        assertThat((double) entropies[1]).isCloseTo(Math.log(2), within(1e-7));
        assertThat(maxProbs[1]).isEqualTo(0.5f);
        assertThat(entropies[0]).isZero();
    }

    /** First AdamW step: m̂ = g and v̂ = g², so θ moves by lr·g/(|g| + ε) ≈ lr·sign(g); with decay θ·(1 − lr·λ) first. */
    private static void firstAdamWStepMovesEachParameterByTheLearningRate() {
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

    /** |(3, 4)| = 5. */
    private static void globalNormOfAThreeFourFiveVector() {
        assertThat(Twins.globalNorm(new float[] {3, 4})).isEqualTo(5.0);
    }

    /** (3, 4) clipped to norm 1 is (0.6, 0.8); the norm before clipping, 5, is returned. */
    private static void clippingAThreeFourFiveVectorToNormOne() {
        float[] grads = {3, 4};
        assertThat(Twins.clipGlobalNorm(grads, 1.0)).isEqualTo(5.0);
        assertThat((double) grads[0]).isCloseTo(0.6, within(1e-6));
        assertThat((double) grads[1]).isCloseTo(0.8, within(1e-6));
    }

    /** [1 2 3]·[4 5 6] = 32; over indices [1, 2) only: 2·5 = 10. */
    private static void dotOfSmallVectors() {
        assertThat(Twins.dot(new float[] {1, 2, 3}, new float[] {4, 5, 6}, 0, 3)).isEqualTo(32.0);
        assertThat(Twins.dot(new float[] {1, 2, 3}, new float[] {4, 5, 6}, 1, 2)).isEqualTo(10.0);
    }

    /** AdamW.step from a random state: the reference object is restored to it, the twin is handed it. */
    private static Invocation adamWStep(Shape s, Random r) {
        GptConfig config = new GptConfig(s.V(), s.T(), 1, s.H(), s.C(), r.nextBoolean(), false);
        ParameterLayout layout = new ParameterLayout(config);
        int P = layout.size();
        double[] params = noise(r, P);
        double[] grads = scaled(r, P, 0.1);
        double[] m = scaled(r, P, 0.01);
        double[] v = new double[P];
        for (int i = 0; i < P; i++) {
            v[i] = 1e-4 * r.nextDouble();
        }
        long stepsSoFar = r.nextInt(5);
        boolean[] decayed = new boolean[P];
        for (TensorView view : layout.tensors()) {
            for (int i = view.offset(); i < view.end(); i++) {
                decayed[i] = view.shape().length >= 2;
            }
        }
        AdamWSettings settings = new AdamWSettings(0.9, 0.999, 1e-8, r.nextBoolean() ? 0.0 : 0.1);
        double learningRate = 1e-3;
        AdamW optimizer = new AdamW(layout);
        optimizer.restore(m, v, stepsSoFar);
        float[] twinM = Differences.toFloat(m);
        float[] twinV = Differences.toFloat(v);
        Object[] twin = {Differences.toFloat(params), Differences.toFloat(grads), twinM, twinV, decayed,
                stepsSoFar + 1, settings, learningRate};
        return new Invocation(optimizer, new Object[] {params, grads, settings, learningRate}, twin, List.of(
                new Extra("params", () -> params, () -> Differences.toDouble((float[]) twin[0])),
                new Extra("firstMoment", optimizer::firstMoment, () -> Differences.toDouble(twinM)),
                new Extra("secondMoment", optimizer::secondMoment, () -> Differences.toDouble(twinV))));
    }

    /** Tensors at random offsets with random gaps between them, inside one flat array. */
    private static final class Params {
        private final Random random;
        private int size;

        Params(Random random) {
            this.random = random;
            this.size = random.nextInt(4);
        }

        int place(int length) {
            int offset = size;
            size += length + random.nextInt(4);
            return offset;
        }

        int size() {
            return size;
        }

        double[] values() {
            return noise(random, size);
        }
    }

    static double[] noise(Random r, int n) {
        return scaled(r, n, 1.0);
    }

    static double[] scaled(Random r, int n, double scale) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = scale * r.nextGaussian();
        }
        return values;
    }

    /** N(2, 1): a non-zero mean, so LayerNorm subtracts something. */
    private static double[] shifted(Random r, int n) {
        double[] values = noise(r, n);
        for (int i = 0; i < n; i++) {
            values[i] += 2.0;
        }
        return values;
    }

    /** Noise with about a third of the entries exactly zero (the LM head skips those). */
    private static double[] sparse(Random r, int n) {
        double[] values = noise(r, n);
        for (int i = 0; i < n; i++) {
            if (r.nextInt(3) == 0) {
                values[i] = 0.0;
            }
        }
        return values;
    }

    private static int[] tokens(Random r, int n, int V) {
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = r.nextInt(V);
        }
        return tokens;
    }

    private static int[] lengths(Random r, int B, int T) {
        int[] lengths = new int[B];
        for (int b = 0; b < B; b++) {
            lengths[b] = 1 + r.nextInt(T);
        }
        return lengths;
    }

    /** Rows of a real log-softmax of N(0, 3²) logits. */
    private static double[] logProbs(Random r, int N, int V) {
        double[] logProbs = new double[N * V];
        LogSoftmax.logSoftmaxForward(SEQUENTIAL, logProbs, scaled(r, N * V, 3.0), N, V);
        return logProbs;
    }

    private static double norm(double[] values) {
        double sum = 0;
        for (double value : values) {
            sum += value * value;
        }
        return Math.sqrt(sum);
    }
}
