package prefdyn.vector.layers;

import prefdyn.reference.util.Parallel;

import java.util.Arrays;

import static prefdyn.vector.layers.MatrixProduct.Start.ACCUMULATE;
import static prefdyn.vector.layers.MatrixProduct.Start.ZERO;

/**
 * GPT-2's tied language-model head {@code logits = x · wteᵀ}, in float32, as
 * {@code prefdyn.reference.layers.LmHead}: {@link MatrixProduct}s that read wte in place, transposed (forward) or
 * not (backward). As in the reference, rows of dlogits that are all zero (positions without a seed) are
 * skipped in backward.
 */
public final class LmHead {

    private LmHead() {
    }

    /**
     * logits[n,v] = Σ_c inp[n,c] · wte[v,c]   (ascending c).
     *
     * @param logits [N,V] written
     * @param inp    [N,C]
     * @param params [P]; wte [V,C] at {@code wteOffset}
     */
    public static void lmHeadForward(Parallel parallel, float[] logits, float[] inp, float[] params, int wteOffset,
                                     int N, int C, int V) {
        // logits[n,v] = Σ_c inp[n,c] · wteᵀ[c,v]: wte read transposed in place
        MatrixProduct.multiply(parallel, logits, 0, V, inp, 0, C, 1, params, wteOffset, 1, C, null, 0, ZERO, N, C,
                V);
    }

    /**
     * Accumulates
     * <pre>
     *   ∂L/∂inp[n,c] += Σ_v dlogits[n,v] · wte[v,c]     (ascending v)
     *   ∂L/∂wte[v,c] += Σ_n dlogits[n,v] · inp[n,c]     (ascending n, over rows with a non-zero dlogits)
     * </pre>
     *
     * @param dinp    [N,C] accumulated into
     * @param grads   [P] accumulated into at {@code wteOffset}
     * @param dlogits [N,V]
     * @param inp     [N,C] the forward input
     */
    public static void lmHeadBackward(Parallel parallel, float[] dinp, float[] grads, float[] dlogits, float[] inp,
                                      float[] params, int wteOffset, int N, int C, int V) {
        int[] rows = nonZeroRows(dlogits, N, V);
        int R = rows.length;
        float[] d = new float[R * V];                                     // [R,V] the rows that carry a gradient
        float[] x = new float[R * C];                                     // [R,C] their inputs
        float[] dx = new float[R * C];                                    // [R,C]
        for (int r = 0; r < R; r++) {
            System.arraycopy(dlogits, rows[r] * V, d, r * V, V);
            System.arraycopy(inp, rows[r] * C, x, r * C, C);
            System.arraycopy(dinp, rows[r] * C, dx, r * C, C);
        }
        MatrixProduct.multiply(parallel, dx, 0, C, d, 0, V, 1, params, wteOffset, C, 1, null, 0, ACCUMULATE, R, V,
                C);
        for (int r = 0; r < R; r++) {
            System.arraycopy(dx, r * C, dinp, rows[r] * C, C);
        }
        // grads[v,c] += Σ_r dᵀ[v,r] · x[r,c]: d read transposed in place
        MatrixProduct.multiply(parallel, grads, wteOffset, C, d, 0, 1, V, x, 0, C, 1, null, 0, ACCUMULATE, V, R,
                C);
    }

    /** The rows n of dlogits [N,V] with at least one non-zero entry, ascending. */
    private static int[] nonZeroRows(float[] dlogits, int N, int V) {
        int[] rows = new int[N];
        int count = 0;
        for (int n = 0; n < N; n++) {
            for (int v = 0; v < V; v++) {
                if (dlogits[n * V + v] != 0f) {
                    rows[count++] = n;
                    break;
                }
            }
        }
        return Arrays.copyOf(rows, count);
    }
}
