package prefdyn.accelerated.kernels;

/**
 * Twin of {@code prefdyn.reference.layers.FusedLinear}: a linear layer and the element-wise step that reads its
 * output (or, backward, the residual's gradient beside the projection's), in one launch instead of two. In the
 * forwards each work item computes one output of the linear layer exactly as {@link LinearKernels#linearForward}
 * does and then applies GELU or the residual add to that same element, so both outputs are bit-identical to the
 * two separate launches.
 */
abstract class FusedLinearKernels extends ResidualKernels {

    /**
     * Mirrors {@code FusedLinear.linearGeluForward}: out[n,o] = bias[o] + Σ_i inp[n,i] · weight[i,o], then
     * outGelu[n,o] = gelu(out[n,o]). One work item per (n,o): N·O items.
     *
     * @param out     [N,O] written
     * @param outGelu [N,O] written
     * @param inp     [N,I]
     * @param params  [P]; weight [I,O] at {@code weightOffset}; bias [O] at {@code biasOffset}, or −1 for none
     */
    protected void linearGeluForward(int item, float[] out, int outOffset, float[] outGelu, int outGeluOffset,
                                     float[] inp, int inpOffset, float[] params, int weightOffset, int biasOffset,
                                     int I, int O) {
        linearForward(item, out, outOffset, inp, inpOffset, params, weightOffset, biasOffset, I, O);
        geluForward(item, outGelu, outGeluOffset, out, outOffset);
    }

    /**
     * Mirrors {@code FusedLinear.linearResidualForward}: out[n,o] = bias[o] + Σ_i inp[n,i] · weight[i,o], then
     * sum[n,o] = residual[n,o] + out[n,o]. One work item per (n,o): N·O items.
     *
     * @param out      [N,O] written
     * @param sum      [N,O] written
     * @param inp      [N,I]
     * @param residual [N,O]
     * @param params   [P]; weight [I,O] at {@code weightOffset}; bias [O] at {@code biasOffset}, or −1 for none
     */
    protected void linearResidualForward(int item, float[] out, int outOffset, float[] sum, int sumOffset,
                                         float[] inp, int inpOffset, float[] residual, int residualOffset,
                                         float[] params, int weightOffset, int biasOffset, int I, int O) {
        linearForward(item, out, outOffset, inp, inpOffset, params, weightOffset, biasOffset, I, O);
        residualForward(item, sum, sumOffset, residual, residualOffset, out, outOffset);
    }

    /**
     * Mirrors {@code FusedLinear.linearResidualBackward}: the work items of {@link LinearKernels#linearBackward} with
     * dout = dsum, followed by N·O more, one per element of the residual's gradient:
     * <pre>
     *   [0, L)          linearBackward's items (L = its count: N·I if dinp, + I·O, + O if bias)
     *   [L, L + N·O)    ∂L/∂residual[n,o] += dsum[n,o]
     * </pre>
     *
     * @param dinp      [N,I] accumulated into; {@code dinpOffset} −1 when the input needs no gradient
     * @param dresidual [N,O] accumulated into
     * @param grads     [P] accumulated into at the weight (and bias) offsets
     * @param dsum      [N,O]
     * @param inp       [N,I] the forward input
     */
    protected void linearResidualBackward(int item, float[] dinp, int dinpOffset, float[] dresidual,
                                          int dresidualOffset, float[] grads, float[] dsum, int dsumOffset,
                                          float[] inp, int inpOffset, float[] params, int weightOffset,
                                          int biasOffset, int N, int I, int O) {
        int linearItems = (dinpOffset < 0 ? 0 : N * I) + I * O + (biasOffset < 0 ? 0 : O);
        if (item < linearItems) {
            linearBackward(item, dinp, dinpOffset, grads, dsum, dsumOffset, inp, inpOffset, params, weightOffset,
                    biasOffset, N, I, O);
        } else {
            int k = item - linearItems;
            dresidual[dresidualOffset + k] += dsum[dsumOffset + k];
        }
    }
}
