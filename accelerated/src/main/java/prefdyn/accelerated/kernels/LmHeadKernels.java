package prefdyn.accelerated.kernels;

/** Twin of {@code prefdyn.reference.layers.LmHead}: the tied head {@code logits = x · wteᵀ}. */
abstract class LmHeadKernels extends LastPositionKernels {

    /**
     * Mirrors {@code LmHead.lmHeadForward}: logits[n,v] = Σ_c inp[n,c] · wte[v,c] (the reference's four-way dot
     * product). One work item per (n,v): N·V items.
     *
     * @param logits [N,V] written
     * @param inp    [N,C]
     * @param params [P]; wte [V,C] at {@code wteOffset}
     */
    protected void lmHeadForward(int item, float[] logits, int logitsOffset, float[] inp, int inpOffset,
                                 float[] params, int wteOffset, int C, int V) {
        int n = item / V;
        int v = item % V;
        logits[logitsOffset + item] = dotProduct(inp, inpOffset + n * C, params, wteOffset + v * C, C);
    }

    /**
     * Mirrors {@code LmHead.lmHeadBackward}, skipping zero coefficients as the reference does:
     * <pre>
     *   items [0, N·C)          ∂L/∂inp[n,c] += Σ_v dlogits[n,v] · wte[v,c]     (v ascending)
     *   items [N·C, N·C + V·C)  ∂L/∂wte[v,c] += Σ_n dlogits[n,v] · inp[n,c]     (n ascending)
     * </pre>
     *
     * @param dinp    [N,C] accumulated into
     * @param grads   [P] accumulated into at {@code wteOffset}
     * @param dlogits [N,V]
     * @param inp     [N,C] the forward input
     */
    protected void lmHeadBackward(int item, float[] dinp, int dinpOffset, float[] grads, float[] dlogits,
                                  int dlogitsOffset, float[] inp, int inpOffset, float[] params, int wteOffset,
                                  int N, int C, int V) {
        if (item < N * C) {
            int n = item / C;
            int c = item % C;
            float sum = dinp[dinpOffset + item];
            for (int v = 0; v < V; v++) {
                float d = dlogits[dlogitsOffset + n * V + v];
                if (d != 0f) {
                    sum += d * params[wteOffset + v * C + c];
                }
            }
            dinp[dinpOffset + item] = sum;
        } else {
            int k = item - N * C;
            int v = k / C;
            int c = k % C;
            float sum = grads[wteOffset + k];
            for (int n = 0; n < N; n++) {
                float d = dlogits[dlogitsOffset + n * V + v];
                if (d != 0f) {
                    sum += d * inp[inpOffset + n * C + c];
                }
            }
            grads[wteOffset + k] = sum;
        }
    }
}
