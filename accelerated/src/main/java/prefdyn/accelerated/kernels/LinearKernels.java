package prefdyn.accelerated.kernels;

/**
 * Twin of {@code prefdyn.reference.layers.Linear}: {@code y = x·W + b}, W in Conv1D layout [I, O].
 */
abstract class LinearKernels extends LayerNormKernels {

    /**
     * Mirrors {@code Linear.linearForward}: out[n,o] = bias[o] + Σ_i inp[n,i] · weight[i,o], the sum in ascending i
     * as in the reference. One work item per (n,o): N·O items.
     *
     * @param out    [N,O] written
     * @param inp    [N,I]
     * @param params [P]; weight [I,O] at {@code weightOffset}; bias [O] at {@code biasOffset}, or −1 for none
     */
    protected void linearForward(int item, float[] out, int outOffset, float[] inp, int inpOffset, float[] params,
                                 int weightOffset, int biasOffset, int I, int O) {
        int n = item / O;
        int o = item % O;
        float sum = biasOffset < 0 ? 0f : params[biasOffset + o];
        for (int i = 0; i < I; i++) {
            sum += inp[inpOffset + n * I + i] * params[weightOffset + i * O + o];
        }
        out[outOffset + item] = sum;
    }

    /**
     * Mirrors {@code Linear.linearBackward}. The work items are split in three ranges:
     * <pre>
     *   [0, D)              ∂L/∂inp[n,i]    += Σ_o dout[n,o] · weight[i,o]    D = N·I, or 0 without dinp
     *   [D, D + I·O)        ∂L/∂weight[i,o] += Σ_n inp[n,i] · dout[n,o]       (n ascending)
     *   [D + I·O, … + O)    ∂L/∂bias[o]     += Σ_n dout[n,o]                  only with a bias
     * </pre>
     *
     * @param dinp  [N,I] accumulated into; {@code dinpOffset} −1 when the input needs no gradient
     * @param grads [P] accumulated into at the weight (and bias) offsets
     * @param dout  [N,O]
     * @param inp   [N,I] the forward input
     */
    protected void linearBackward(int item, float[] dinp, int dinpOffset, float[] grads, float[] dout, int doutOffset,
                                  float[] inp, int inpOffset, float[] params, int weightOffset, int biasOffset,
                                  int N, int I, int O) {
        int inputItems = dinpOffset < 0 ? 0 : N * I;
        if (item < inputItems) {
            int n = item / I;
            int i = item % I;
            dinp[dinpOffset + item] += dotProduct(dout, doutOffset + n * O, params, weightOffset + i * O, O);
        } else if (item < inputItems + I * O) {
            int k = item - inputItems;
            int i = k / O;
            int o = k % O;
            float sum = grads[weightOffset + k];
            for (int n = 0; n < N; n++) {
                sum += inp[inpOffset + n * I + i] * dout[doutOffset + n * O + o];
            }
            grads[weightOffset + k] = sum;
        } else {
            int o = item - inputItems - I * O;
            float sum = 0f;
            for (int n = 0; n < N; n++) {
                sum += dout[doutOffset + n * O + o];
            }
            grads[biasOffset + o] += sum;
        }
    }
}
