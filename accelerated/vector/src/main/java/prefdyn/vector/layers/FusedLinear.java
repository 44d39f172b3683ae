package prefdyn.vector.layers;

import prefdyn.reference.util.Parallel;

/**
 * A linear layer and the element-wise step that reads its output, in one call, as
 * {@code prefdyn.reference.layers.FusedLinear}: the same numbers as the two separate calls.
 */
public final class FusedLinear {

    private FusedLinear() {
    }

    /**
     * out = inp·W + b, then outGelu = gelu(out).
     *
     * @param out     [N,O] written
     * @param outGelu [N,O] written
     * @param inp     [N,I]
     * @param params  [P]; weight [I,O] at {@code weightOffset}; bias [O] at {@code biasOffset}, or −1
     */
    public static void linearGeluForward(Parallel parallel, float[] out, float[] outGelu, float[] inp,
                                         float[] params, int weightOffset, int biasOffset, int N, int I, int O) {
        Linear.linearForward(parallel, out, inp, params, weightOffset, biasOffset, N, I, O);
        Gelu.geluForward(parallel, outGelu, out, N * O);
    }

    /**
     * out = inp·W + b, then sum = residual + out.
     *
     * @param out      [N,O] written
     * @param sum      [N,O] written
     * @param inp      [N,I]
     * @param residual [N,O]
     * @param params   [P]
     */
    public static void linearResidualForward(Parallel parallel, float[] out, float[] sum, float[] inp,
                                             float[] residual, float[] params, int weightOffset, int biasOffset,
                                             int N, int I, int O) {
        Linear.linearForward(parallel, out, inp, params, weightOffset, biasOffset, N, I, O);
        Residual.residualForward(sum, residual, out, N * O);
    }

    /**
     * The backward of {@link #linearResidualForward} given dsum: dresidual += dsum, then the linear layer's
     * backward with dout = dsum.
     *
     * @param dinp      [N,I] accumulated into, or null
     * @param dresidual [N,O] accumulated into
     * @param grads     [P] accumulated into
     * @param dsum      [N,O]
     * @param inp       [N,I] the forward input
     */
    public static void linearResidualBackward(Parallel parallel, float[] dinp, float[] dresidual, float[] grads,
                                              float[] dsum, float[] inp, float[] params, int weightOffset,
                                              int biasOffset, int N, int I, int O) {
        for (int k = 0; k < N * O; k++) {
            dresidual[k] += dsum[k];
        }
        Linear.linearBackward(parallel, dinp, grads, dsum, inp, params, weightOffset, biasOffset, N, I, O);
    }
}
