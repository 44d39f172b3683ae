package prefdyn.reference.layers;

import prefdyn.reference.util.Parallel;

/**
 * The tied language-model head of GPT-2: {@code logits = x · wteᵀ}, re-using the token embedding [V, C] as the
 * output matrix (no bias).
 */
public final class LmHead {

    private LmHead() {
    }

    /**
     * logits[n,v] = Σ_c inp[n,c] · wte[v,c].
     *
     * @param logits [N,V] written
     * @param inp    [N,C] the final LayerNorm's output
     * @param params [P]; wte [V,C] at {@code wteOffset}
     */
    public static void lmHeadForward(Parallel parallel, double[] logits, double[] inp, double[] params, int wteOffset,
                                     int N, int C, int V) {
        parallel.forEach(N, n -> {
            int inpRow = n * C;
            for (int v = 0; v < V; v++) {
                logits[n * V + v] = Dot.dot(inp, inpRow, params, wteOffset + v * C, C);
            }
        });
    }

    /**
     * Accumulates ∂L/∂inp[n,c] += Σ_v dlogits[n,v]·wte[v,c] and ∂L/∂wte[v,c] += Σ_n dlogits[n,v]·inp[n,c].
     *
     * @param dinp    [N,C] accumulated into
     * @param grads   [P] accumulated into at {@code wteOffset}
     * @param dlogits [N,V]
     * @param inp     [N,C] the forward input
     */
    public static void lmHeadBackward(Parallel parallel, double[] dinp, double[] grads, double[] dlogits, double[] inp,
                                      double[] params, int wteOffset, int N, int C, int V) {
        parallel.forEach(N, n -> {
            for (int v = 0; v < V; v++) {
                double d = dlogits[n * V + v];
                if (d == 0.0) {
                    continue; // exact: adding 0·wte changes nothing
                }
                int embeddingRow = wteOffset + v * C;
                for (int c = 0; c < C; c++) {
                    dinp[n * C + c] += d * params[embeddingRow + c];
                }
            }
        });
        parallel.forEach(V, v -> {
            int embeddingRow = wteOffset + v * C;
            for (int n = 0; n < N; n++) {
                double d = dlogits[n * V + v];
                if (d == 0.0) {
                    continue;
                }
                for (int c = 0; c < C; c++) {
                    grads[embeddingRow + c] += d * inp[n * C + c];
                }
            }
        });
    }
}
