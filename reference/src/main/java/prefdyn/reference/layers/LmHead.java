package prefdyn.reference.layers;

import prefdyn.reference.util.Parallel;

import java.util.Arrays;

/**
 * The tied language-model head of GPT-2: {@code logits = x · wteᵀ}, re-using the token embedding [V, C] as the
 * output matrix (no bias).
 *
 * <p>Like {@link Linear}, the loops compute tiles of outputs in local variables so that each value loaded from
 * memory is used several times; every element is still summed in the order its equation states, so tiling and
 * thread count change no bit of the result. {@link #lmHeadForwardNaive} and {@link #lmHeadBackwardNaive} are the
 * same equations as plain loops over one element at a time; the tiled loops are tested bit for bit against them.
 */
public final class LmHead {

    /** Rows and columns of one backward tile. */
    private static final int TILE = 4;

    private LmHead() {
    }

    /**
     * logits[n,v] = Σ_c inp[n,c] · wte[v,c]   (Dot.dot's order over c).
     *
     * @param logits [N,V] written
     * @param inp    [N,C] the final LayerNorm's output
     * @param params [P]; wte [V,C] at {@code wteOffset}
     */
    public static void lmHeadForward(Parallel parallel, double[] logits, double[] inp, double[] params, int wteOffset,
                                     int N, int C, int V) {
        // logits = inp · wteᵀ: rows of inp dotted with rows of wte, one task per block of 4 rows n
        parallel.forEach(blocks(N), block -> Dot.dotRows(logits, 0, false, inp, 0, params, wteOffset,
                block * TILE, Math.min(N, block * TILE + TILE), V, C));
    }

    /**
     * Accumulates
     * <pre>
     *   ∂L/∂inp[n,c] += Σ_v dlogits[n,v] · wte[v,c]     (added one v at a time, ascending v)
     *   ∂L/∂wte[v,c] += Σ_n dlogits[n,v] · inp[n,c]     (added one n at a time, ascending n)
     * </pre>
     * Rows n whose dlogits are all zero (positions without a seed: prompt tokens, padding) add nothing and are
     * skipped; a zero inside a row that carries a gradient is added like any other term (adding 0·x to a sum
     * changes at most the sign of a zero sum).
     *
     * @param dinp    [N,C] accumulated into
     * @param grads   [P] accumulated into at {@code wteOffset}
     * @param dlogits [N,V]
     * @param inp     [N,C] the forward input
     */
    public static void lmHeadBackward(Parallel parallel, double[] dinp, double[] grads, double[] dlogits, double[] inp,
                                      double[] params, int wteOffset, int N, int C, int V) {
        int[] rows = nonZeroRows(dlogits, N, V);
        int R = rows.length;
        // dinp: one task per block of 4 rows that carry a gradient (tiles of 4 rows × 4 channels)
        parallel.forEach(blocks(R), block -> {
            int r = block * TILE;
            if (r + TILE > R) { // the last rows, fewer than 4
                for (; r < R; r++) {
                    for (int c = 0; c < C; c++) {
                        inputGradientElement(dinp, dlogits, params, wteOffset, rows[r], c, C, V);
                    }
                }
                return;
            }
            int c = 0;
            for (; c + TILE <= C; c += TILE) {
                inputGradientTile(dinp, dlogits, params, wteOffset, rows, r, c, C, V);
            }
            for (; c < C; c++) { // the last channels, fewer than 4
                for (int k = r; k < r + TILE; k++) {
                    inputGradientElement(dinp, dlogits, params, wteOffset, rows[k], c, C, V);
                }
            }
        });
        // ∂L/∂wte: one task per block of 4 embedding rows v (tiles of 4 rows × 4 channels)
        parallel.forEach(blocks(V), block -> {
            int v = block * TILE;
            if (v + TILE > V) { // the last embedding rows, fewer than 4
                for (; v < V; v++) {
                    for (int c = 0; c < C; c++) {
                        embeddingGradientElement(grads, dlogits, inp, wteOffset, rows, v, c, C, V);
                    }
                }
                return;
            }
            int c = 0;
            for (; c + TILE <= C; c += TILE) {
                embeddingGradientTile(grads, dlogits, inp, wteOffset, rows, v, c, C, V);
            }
            for (; c < C; c++) { // the last channels, fewer than 4
                for (int u = v; u < v + TILE; u++) {
                    embeddingGradientElement(grads, dlogits, inp, wteOffset, rows, u, c, C, V);
                }
            }
        });
    }

    /** dinp[n,c] += dlogits[n,v]·wte[v,c] for v = 0, 1, …, V−1 in turn. */
    private static void inputGradientElement(double[] dinp, double[] dlogits, double[] params, int wteOffset, int n,
                                             int c, int C, int V) {
        double sum = dinp[n * C + c];
        for (int v = 0; v < V; v++) {
            sum += dlogits[n * V + v] * params[wteOffset + v * C + c];
        }
        dinp[n * C + c] = sum;
    }

    /**
     * dinp at the four rows {@code rows[r..r+3]} and channels c..c+3, each as in {@link #inputGradientElement}.
     * The sum {@code sKJ} belongs to row rows[r+K] and channel c+J.
     */
    private static void inputGradientTile(double[] dinp, double[] dlogits, double[] params, int wteOffset,
                                          int[] rows, int r, int c, int C, int V) {
        int d0 = rows[r] * V; // dlogits rows
        int d1 = rows[r + 1] * V;
        int d2 = rows[r + 2] * V;
        int d3 = rows[r + 3] * V;
        int i0 = rows[r] * C + c; // dinp rows, channels c … c+3
        int i1 = rows[r + 1] * C + c;
        int i2 = rows[r + 2] * C + c;
        int i3 = rows[r + 3] * C + c;
        double s00 = dinp[i0], s01 = dinp[i0 + 1], s02 = dinp[i0 + 2], s03 = dinp[i0 + 3];
        double s10 = dinp[i1], s11 = dinp[i1 + 1], s12 = dinp[i1 + 2], s13 = dinp[i1 + 3];
        double s20 = dinp[i2], s21 = dinp[i2 + 1], s22 = dinp[i2 + 2], s23 = dinp[i2 + 3];
        double s30 = dinp[i3], s31 = dinp[i3 + 1], s32 = dinp[i3 + 2], s33 = dinp[i3 + 3];
        for (int v = 0; v < V; v++) {
            int e = wteOffset + v * C + c; // wte[v, c … c+3]
            double e0 = params[e], e1 = params[e + 1], e2 = params[e + 2], e3 = params[e + 3];
            double d = dlogits[d0 + v];
            s00 += d * e0; s01 += d * e1; s02 += d * e2; s03 += d * e3;
            d = dlogits[d1 + v];
            s10 += d * e0; s11 += d * e1; s12 += d * e2; s13 += d * e3;
            d = dlogits[d2 + v];
            s20 += d * e0; s21 += d * e1; s22 += d * e2; s23 += d * e3;
            d = dlogits[d3 + v];
            s30 += d * e0; s31 += d * e1; s32 += d * e2; s33 += d * e3;
        }
        dinp[i0] = s00; dinp[i0 + 1] = s01; dinp[i0 + 2] = s02; dinp[i0 + 3] = s03;
        dinp[i1] = s10; dinp[i1 + 1] = s11; dinp[i1 + 2] = s12; dinp[i1 + 3] = s13;
        dinp[i2] = s20; dinp[i2 + 1] = s21; dinp[i2 + 2] = s22; dinp[i2 + 3] = s23;
        dinp[i3] = s30; dinp[i3 + 1] = s31; dinp[i3 + 2] = s32; dinp[i3 + 3] = s33;
    }

    /** grads[v,c] += dlogits[n,v]·inp[n,c] for each listed row n in turn (ascending n). */
    private static void embeddingGradientElement(double[] grads, double[] dlogits, double[] inp, int wteOffset,
                                                 int[] rows, int v, int c, int C, int V) {
        double sum = grads[wteOffset + v * C + c];
        for (int n : rows) {
            sum += dlogits[n * V + v] * inp[n * C + c];
        }
        grads[wteOffset + v * C + c] = sum;
    }

    /**
     * The embedding gradient at rows v..v+3 and channels c..c+3, each as in {@link #embeddingGradientElement}. The
     * sum {@code sKJ} belongs to embedding row v+K and channel c+J.
     */
    private static void embeddingGradientTile(double[] grads, double[] dlogits, double[] inp, int wteOffset,
                                              int[] rows, int v, int c, int C, int V) {
        int g0 = wteOffset + v * C + c; // grads rows v … v+3, channels c … c+3
        int g1 = g0 + C;
        int g2 = g1 + C;
        int g3 = g2 + C;
        double s00 = grads[g0], s01 = grads[g0 + 1], s02 = grads[g0 + 2], s03 = grads[g0 + 3];
        double s10 = grads[g1], s11 = grads[g1 + 1], s12 = grads[g1 + 2], s13 = grads[g1 + 3];
        double s20 = grads[g2], s21 = grads[g2 + 1], s22 = grads[g2 + 2], s23 = grads[g2 + 3];
        double s30 = grads[g3], s31 = grads[g3 + 1], s32 = grads[g3 + 2], s33 = grads[g3 + 3];
        for (int n : rows) {
            int x = n * C + c; // inp[n, c … c+3]
            double x0 = inp[x], x1 = inp[x + 1], x2 = inp[x + 2], x3 = inp[x + 3];
            int d = n * V + v; // dlogits[n, v … v+3]
            double d0 = dlogits[d];
            s00 += d0 * x0; s01 += d0 * x1; s02 += d0 * x2; s03 += d0 * x3;
            double d1 = dlogits[d + 1];
            s10 += d1 * x0; s11 += d1 * x1; s12 += d1 * x2; s13 += d1 * x3;
            double d2 = dlogits[d + 2];
            s20 += d2 * x0; s21 += d2 * x1; s22 += d2 * x2; s23 += d2 * x3;
            double d3 = dlogits[d + 3];
            s30 += d3 * x0; s31 += d3 * x1; s32 += d3 * x2; s33 += d3 * x3;
        }
        grads[g0] = s00; grads[g0 + 1] = s01; grads[g0 + 2] = s02; grads[g0 + 3] = s03;
        grads[g1] = s10; grads[g1 + 1] = s11; grads[g1 + 2] = s12; grads[g1 + 3] = s13;
        grads[g2] = s20; grads[g2 + 1] = s21; grads[g2 + 2] = s22; grads[g2 + 3] = s23;
        grads[g3] = s30; grads[g3 + 1] = s31; grads[g3 + 2] = s32; grads[g3 + 3] = s33;
    }

    /**
     * The plain loop of {@link #lmHeadForward}: its equation one logit at a time, with no tiles and no threads. The
     * tiled loop must give exactly these bits.
     * <pre>
     *   logits[n,v] = Dot.dot(inp[n,·], wte[v,·])   (Σ_c inp[n,c]·wte[v,c] in Dot.dot's order)
     * </pre>
     * Package-private: a public static method of a layer is a kernel with a twin; this one is the oracle's oracle.
     *
     * @param logits [N,V] written
     * @param inp    [N,C] the final LayerNorm's output
     * @param params [P]; wte [V,C] at {@code wteOffset}
     */
    static void lmHeadForwardNaive(double[] logits, double[] inp, double[] params, int wteOffset, int N, int C,
                                   int V) {
        for (int n = 0; n < N; n++) {
            for (int v = 0; v < V; v++) {
                logits[n * V + v] = Dot.dot(inp, n * C, params, wteOffset + v * C, C);
            }
        }
    }

    /**
     * The plain loop of {@link #lmHeadBackward}: its two equations one term at a time, with no tiles and no threads.
     * The tiled loops must give exactly these bits.
     * <pre>
     *   dinp[n,c] += dlogits[n,v] · wte[v,c]    for v = 0, 1, …, V−1 in turn
     *   grads[v,c] += dlogits[n,v] · inp[n,c]   for n = 0, 1, …, N−1 in turn
     * </pre>
     * skipping the rows n whose dlogits are all zero, as the tiled loops do.
     *
     * @param dinp    [N,C] accumulated into
     * @param grads   [P] accumulated into at {@code wteOffset}
     * @param dlogits [N,V]
     * @param inp     [N,C] the forward input
     * @param params  [P]; wte [V,C] at {@code wteOffset}
     */
    static void lmHeadBackwardNaive(double[] dinp, double[] grads, double[] dlogits, double[] inp, double[] params,
                                    int wteOffset, int N, int C, int V) {
        for (int n : nonZeroRows(dlogits, N, V)) {
            for (int v = 0; v < V; v++) {
                double d = dlogits[n * V + v];
                for (int c = 0; c < C; c++) {
                    dinp[n * C + c] += d * params[wteOffset + v * C + c];
                    grads[wteOffset + v * C + c] += d * inp[n * C + c];
                }
            }
        }
    }

    /** The rows n of dlogits [N,V] with at least one non-zero entry, ascending. */
    private static int[] nonZeroRows(double[] dlogits, int N, int V) {
        int[] rows = new int[N];
        int count = 0;
        for (int n = 0; n < N; n++) {
            for (int v = 0; v < V; v++) {
                if (dlogits[n * V + v] != 0.0) {
                    rows[count++] = n;
                    break;
                }
            }
        }
        return Arrays.copyOf(rows, count);
    }

    /** Number of blocks of {@link #TILE} in {@code n} (the last one may be partial). */
    private static int blocks(int n) {
        return (n + TILE - 1) / TILE;
    }
}
