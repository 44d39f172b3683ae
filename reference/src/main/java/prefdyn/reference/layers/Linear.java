package prefdyn.reference.layers;

import prefdyn.reference.util.Parallel;

/**
 * Affine map {@code y = x·W + b} with W in Hugging Face GPT-2's Conv1D layout [in, out] (so the flat weight is
 * row-major [I, O]). Used for the qkv projection, the attention output projection, both MLP matrices, and, with
 * O = 1, the value and reward heads.
 *
 * <h2>Why the loops compute tiles</h2>
 * Each method states its sum as an equation, and every output element is summed exactly in the order the
 * equation's loop gives (ascending i for the forward, ascending n for the weight gradient, {@link Dot#dot}'s order
 * for the input gradient). The loops only choose <em>which</em> elements are computed together: a tile of 4 × 4
 * outputs is kept in local variables (registers) while the sum runs, so each weight value loaded is used for four
 * rows and each input value for four columns — a quarter of the memory traffic of computing one element at a
 * time. Because an element's order of additions does not depend on the tile it falls in, the tiling changes no
 * bit of the result; and because tasks are blocks of independent output rows (or weight rows), neither does the
 * thread count. Edges — N, I or O not a multiple of 4, e.g. the value head's O = 1 — are computed one element at
 * a time, in the same order.
 *
 * <p>Beside the tiled loops, {@link #linearForwardNaive} and {@link #linearBackwardNaive} are the same equations
 * as plain loops over one element at a time (the loops this class had before tiling); the tiled ones are tested
 * bit for bit against them.
 */
public final class Linear {

    /** Rows and columns of one tile. */
    private static final int TILE = 4;

    private Linear() {
    }

    /**
     * out[n,o] = bias[o] + Σ_i inp[n,i] · weight[i,o]   (sum in ascending i).
     *
     * @param out        [N,O] written
     * @param inp        [N,I]
     * @param params     [P]; weight [I,O] at {@code weightOffset}; bias [O] at {@code biasOffset}, or
     *                   {@code biasOffset = -1} for no bias
     */
    public static void linearForward(Parallel parallel, double[] out, double[] inp, double[] params, int weightOffset,
                                     int biasOffset, int N, int I, int O) {
        // one task per block of 4 rows n
        parallel.forEach(blocks(N), block -> {
            int n = block * TILE;
            if (n + TILE > N) { // the last rows, fewer than 4
                for (; n < N; n++) {
                    for (int o = 0; o < O; o++) {
                        out[n * O + o] = forwardElement(inp, params, weightOffset, biasOffset, n, o, I, O);
                    }
                }
                return;
            }
            int o = 0;
            for (; o + TILE <= O; o += TILE) {
                forwardTile(out, inp, params, weightOffset, biasOffset, n, o, I, O);
            }
            for (; o < O; o++) { // the last columns, fewer than 4
                for (int row = n; row < n + TILE; row++) {
                    out[row * O + o] = forwardElement(inp, params, weightOffset, biasOffset, row, o, I, O);
                }
            }
        });
    }

    /** One element of {@link #linearForward}: bias[o] + Σ_i inp[n,i]·weight[i,o], ascending i. */
    private static double forwardElement(double[] inp, double[] params, int weightOffset, int biasOffset, int n,
                                         int o, int I, int O) {
        double sum = biasOffset < 0 ? 0.0 : params[biasOffset + o];
        for (int i = 0; i < I; i++) {
            sum += inp[n * I + i] * params[weightOffset + i * O + o];
        }
        return sum;
    }

    /**
     * out[n..n+3, o..o+3] of {@link #linearForward}, each element summed as in {@link #forwardElement}. The sum
     * {@code sRC} belongs to row n+R and column o+C.
     */
    private static void forwardTile(double[] out, double[] inp, double[] params, int weightOffset, int biasOffset,
                                    int n, int o, int I, int O) {
        double b0 = 0, b1 = 0, b2 = 0, b3 = 0;
        if (biasOffset >= 0) {
            b0 = params[biasOffset + o];
            b1 = params[biasOffset + o + 1];
            b2 = params[biasOffset + o + 2];
            b3 = params[biasOffset + o + 3];
        }
        double s00 = b0, s01 = b1, s02 = b2, s03 = b3;
        double s10 = b0, s11 = b1, s12 = b2, s13 = b3;
        double s20 = b0, s21 = b1, s22 = b2, s23 = b3;
        double s30 = b0, s31 = b1, s32 = b2, s33 = b3;
        int row0 = n * I;        // inp rows n … n+3
        int row1 = row0 + I;
        int row2 = row1 + I;
        int row3 = row2 + I;
        for (int i = 0; i < I; i++) {
            int w = weightOffset + i * O + o; // weight[i, o … o+3]
            double w0 = params[w], w1 = params[w + 1], w2 = params[w + 2], w3 = params[w + 3];
            double x = inp[row0 + i];
            s00 += x * w0; s01 += x * w1; s02 += x * w2; s03 += x * w3;
            x = inp[row1 + i];
            s10 += x * w0; s11 += x * w1; s12 += x * w2; s13 += x * w3;
            x = inp[row2 + i];
            s20 += x * w0; s21 += x * w1; s22 += x * w2; s23 += x * w3;
            x = inp[row3 + i];
            s30 += x * w0; s31 += x * w1; s32 += x * w2; s33 += x * w3;
        }
        int at = n * O + o;
        out[at] = s00; out[at + 1] = s01; out[at + 2] = s02; out[at + 3] = s03;
        at += O;
        out[at] = s10; out[at + 1] = s11; out[at + 2] = s12; out[at + 3] = s13;
        at += O;
        out[at] = s20; out[at + 1] = s21; out[at + 2] = s22; out[at + 3] = s23;
        at += O;
        out[at] = s30; out[at + 1] = s31; out[at + 2] = s32; out[at + 3] = s33;
    }

    /**
     * Accumulates the gradients of {@link #linearForward}:
     * <pre>
     *   ∂L/∂inp[n,i]    += Σ_o dout[n,o] · weight[i,o]     (Dot.dot's order over o)
     *   ∂L/∂weight[i,o] += Σ_n inp[n,i] · dout[n,o]        (added to the gradient one n at a time, ascending n)
     *   ∂L/∂bias[o]     += Σ_n dout[n,o]                   (summed in ascending n, then added)
     * </pre>
     *
     * @param dinp  [N,I] accumulated into; may be null when the input needs no gradient
     * @param grads [P] accumulated into at the weight (and bias) offsets
     * @param dout  [N,O]
     * @param inp   [N,I] the forward input
     */
    public static void linearBackward(Parallel parallel, double[] dinp, double[] grads, double[] dout, double[] inp,
                                      double[] params, int weightOffset, int biasOffset, int N, int I, int O) {
        if (dinp != null) {
            // dinp = dout · weightᵀ: rows of dout dotted with rows of weight, one task per block of 4 rows n
            parallel.forEach(blocks(N), block -> Dot.dotRows(dinp, 0, true, dout, 0, params, weightOffset,
                    block * TILE, Math.min(N, block * TILE + TILE), I, O));
        }
        // one task per block of 4 weight rows i: no two tasks write the same gradient element
        parallel.forEach(blocks(I), block -> {
            int i = block * TILE;
            if (i + TILE > I) { // the last weight rows, fewer than 4
                for (; i < I; i++) {
                    for (int o = 0; o < O; o++) {
                        weightGradientElement(grads, inp, dout, weightOffset, i, o, N, I, O);
                    }
                }
                return;
            }
            int o = 0;
            for (; o + TILE <= O; o += TILE) {
                weightGradientTile(grads, inp, dout, weightOffset, i, o, N, I, O);
            }
            for (; o < O; o++) { // the last columns, fewer than 4
                for (int row = i; row < i + TILE; row++) {
                    weightGradientElement(grads, inp, dout, weightOffset, row, o, N, I, O);
                }
            }
        });
        if (biasOffset >= 0) {
            parallel.forEach(O, o -> {
                double sum = 0;
                for (int n = 0; n < N; n++) {
                    sum += dout[n * O + o];
                }
                grads[biasOffset + o] += sum;
            });
        }
    }

    /** One element of the weight gradient: grads[i,o] += inp[n,i]·dout[n,o] for n = 0, 1, …, N−1 in turn. */
    private static void weightGradientElement(double[] grads, double[] inp, double[] dout, int weightOffset, int i,
                                              int o, int N, int I, int O) {
        double sum = grads[weightOffset + i * O + o];
        for (int n = 0; n < N; n++) {
            sum += inp[n * I + i] * dout[n * O + o];
        }
        grads[weightOffset + i * O + o] = sum;
    }

    /**
     * The weight gradient at rows i..i+3 and columns o..o+3, each element accumulated as in
     * {@link #weightGradientElement}. The sum {@code sRC} belongs to weight row i+R and column o+C.
     */
    private static void weightGradientTile(double[] grads, double[] inp, double[] dout, int weightOffset, int i,
                                           int o, int N, int I, int O) {
        int g0 = weightOffset + i * O + o; // grads rows i … i+3, columns o … o+3
        int g1 = g0 + O;
        int g2 = g1 + O;
        int g3 = g2 + O;
        double s00 = grads[g0], s01 = grads[g0 + 1], s02 = grads[g0 + 2], s03 = grads[g0 + 3];
        double s10 = grads[g1], s11 = grads[g1 + 1], s12 = grads[g1 + 2], s13 = grads[g1 + 3];
        double s20 = grads[g2], s21 = grads[g2 + 1], s22 = grads[g2 + 2], s23 = grads[g2 + 3];
        double s30 = grads[g3], s31 = grads[g3 + 1], s32 = grads[g3 + 2], s33 = grads[g3 + 3];
        for (int n = 0; n < N; n++) {
            int d = n * O + o; // dout[n, o … o+3]
            double d0 = dout[d], d1 = dout[d + 1], d2 = dout[d + 2], d3 = dout[d + 3];
            int x = n * I + i; // inp[n, i … i+3]
            double x0 = inp[x];
            s00 += x0 * d0; s01 += x0 * d1; s02 += x0 * d2; s03 += x0 * d3;
            double x1 = inp[x + 1];
            s10 += x1 * d0; s11 += x1 * d1; s12 += x1 * d2; s13 += x1 * d3;
            double x2 = inp[x + 2];
            s20 += x2 * d0; s21 += x2 * d1; s22 += x2 * d2; s23 += x2 * d3;
            double x3 = inp[x + 3];
            s30 += x3 * d0; s31 += x3 * d1; s32 += x3 * d2; s33 += x3 * d3;
        }
        grads[g0] = s00; grads[g0 + 1] = s01; grads[g0 + 2] = s02; grads[g0 + 3] = s03;
        grads[g1] = s10; grads[g1 + 1] = s11; grads[g1 + 2] = s12; grads[g1 + 3] = s13;
        grads[g2] = s20; grads[g2 + 1] = s21; grads[g2 + 2] = s22; grads[g2 + 3] = s23;
        grads[g3] = s30; grads[g3 + 1] = s31; grads[g3 + 2] = s32; grads[g3 + 3] = s33;
    }

    /**
     * The plain loop of {@link #linearForward}: its equation one output element at a time, with no tiles and no
     * threads (llm.c's {@code matmul_forward_naive}). The tiled loop must give exactly these bits.
     * <pre>
     *   out[n,o] = bias[o] + Σ_i inp[n,i] · weight[i,o]   (sum in ascending i, starting from the bias or 0)
     * </pre>
     * Package-private: a public static method of a layer is a kernel with a twin; this one is the oracle's oracle.
     *
     * @param out    [N,O] written
     * @param inp    [N,I]
     * @param params [P]; weight [I,O] at {@code weightOffset}; bias [O] at {@code biasOffset}, or −1 for none
     */
    static void linearForwardNaive(double[] out, double[] inp, double[] params, int weightOffset, int biasOffset,
                                   int N, int I, int O) {
        for (int n = 0; n < N; n++) {
            for (int o = 0; o < O; o++) {
                double sum = biasOffset < 0 ? 0.0 : params[biasOffset + o];
                for (int i = 0; i < I; i++) {
                    sum += inp[n * I + i] * params[weightOffset + i * O + o];
                }
                out[n * O + o] = sum;
            }
        }
    }

    /**
     * The plain loop of {@link #linearBackward}: its three equations one element at a time, with no tiles and no
     * threads. The tiled loops must give exactly these bits.
     * <pre>
     *   ∂L/∂inp[n,i]    += Dot.dot(dout[n,·], weight[i,·])   (Σ_o dout[n,o]·weight[i,o] in Dot.dot's order)
     *   ∂L/∂weight[i,o] += inp[n,i] · dout[n,o]              for n = 0, 1, …, N−1 in turn
     *   ∂L/∂bias[o]     += Σ_n dout[n,o]                     (summed in ascending n from 0, then added once)
     * </pre>
     *
     * @param dinp   [N,I] accumulated into; may be null when the input needs no gradient
     * @param grads  [P] accumulated into at the weight (and bias) offsets
     * @param dout   [N,O]
     * @param inp    [N,I] the forward input
     * @param params [P]; weight [I,O] at {@code weightOffset}; bias [O] at {@code biasOffset}, or −1 for none
     */
    static void linearBackwardNaive(double[] dinp, double[] grads, double[] dout, double[] inp, double[] params,
                                    int weightOffset, int biasOffset, int N, int I, int O) {
        if (dinp != null) {
            for (int n = 0; n < N; n++) {
                for (int i = 0; i < I; i++) {
                    dinp[n * I + i] += Dot.dot(dout, n * O, params, weightOffset + i * O, O);
                }
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

    /** Number of blocks of {@link #TILE} in {@code n} (the last one may be partial). */
    private static int blocks(int n) {
        return (n + TILE - 1) / TILE;
    }
}
