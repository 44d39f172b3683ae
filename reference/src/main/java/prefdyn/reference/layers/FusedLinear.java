package prefdyn.reference.layers;

import prefdyn.reference.util.Parallel;

/**
 * Two forward steps of a block taken in one call: a linear layer and the element-wise step that reads its output.
 * The reference computes exactly what the two separate calls compute, in the same order ({@code GptModel} itself
 * keeps the separate calls, which read more plainly). These methods exist as the reference of the twin's fused
 * kernels, which do both steps in one kernel launch: on a GPU a launch costs microseconds whatever its work, and
 * a sampling pass of a small model is mostly launches (docs/benchmarks.md, "Kernel launches").
 *
 * <p>Both outputs are kept, because the backward pass needs both: the linear output is GELU's input, and the
 * block's residual stream is the next LayerNorm's input. GELU's backward stays separate (it needs the linear
 * output's gradient complete before it can start); the residual's backward fuses with the projection's
 * ({@link #linearResidualBackward}).
 */
public final class FusedLinear {

    private FusedLinear() {
    }

    /**
     * The MLP's first layer and its activation: out = inp·W + b ({@link Linear#linearForward}), then
     * outGelu = gelu(out) ({@link Gelu#geluForward}).
     *
     * @param out     [N,O] written: the linear output, GELU's input
     * @param outGelu [N,O] written: gelu(out)
     * @param inp     [N,I]
     * @param params  [P]; weight [I,O] at {@code weightOffset}; bias [O] at {@code biasOffset}, or −1 for none
     */
    public static void linearGeluForward(Parallel parallel, double[] out, double[] outGelu, double[] inp,
                                         double[] params, int weightOffset, int biasOffset, int N, int I, int O) {
        Linear.linearForward(parallel, out, inp, params, weightOffset, biasOffset, N, I, O);
        Gelu.geluForward(parallel, outGelu, out, N * O);
    }

    /**
     * A projection back into the residual stream and the residual connection: out = inp·W + b
     * ({@link Linear#linearForward}), then sum = residual + out ({@link Residual#residualForward}).
     *
     * @param out      [N,O] written: the projection
     * @param sum      [N,O] written: residual + out, the block's residual stream after this branch
     * @param inp      [N,I]
     * @param residual [N,O] the residual stream before this branch
     * @param params   [P]; weight [I,O] at {@code weightOffset}; bias [O] at {@code biasOffset}, or −1 for none
     */
    public static void linearResidualForward(Parallel parallel, double[] out, double[] sum, double[] inp,
                                             double[] residual, double[] params, int weightOffset, int biasOffset,
                                             int N, int I, int O) {
        Linear.linearForward(parallel, out, inp, params, weightOffset, biasOffset, N, I, O);
        Residual.residualForward(sum, residual, out, N * O);
    }

    /**
     * The backward of {@link #linearResidualForward}, given dsum = ∂L/∂sum: the residual's half of
     * {@link Residual#residualBackward} (dresidual += dsum), and, because ∂sum/∂out is the identity, the linear
     * layer's backward with dout = dsum ({@link Linear#linearBackward}). The unfused backward copies dsum into a
     * fresh dout array first ({@code dout += dsum} onto zeros); using dsum directly gives the same numbers.
     *
     * @param dinp      [N,I] accumulated into, or null when the input needs no gradient
     * @param dresidual [N,O] accumulated into
     * @param grads     [P] accumulated into at the weight (and bias) offsets
     * @param dsum      [N,O] the gradient of the residual stream after this branch
     * @param inp       [N,I] the forward input
     */
    public static void linearResidualBackward(Parallel parallel, double[] dinp, double[] dresidual, double[] grads,
                                              double[] dsum, double[] inp, double[] params, int weightOffset,
                                              int biasOffset, int N, int I, int O) {
        for (int k = 0; k < N * O; k++) {
            dresidual[k] += dsum[k];
        }
        Linear.linearBackward(parallel, dinp, grads, dsum, inp, params, weightOffset, biasOffset, N, I, O);
    }
}
