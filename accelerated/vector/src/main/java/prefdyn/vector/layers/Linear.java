package prefdyn.vector.layers;

import prefdyn.reference.util.Parallel;

import static prefdyn.vector.layers.MatrixProduct.Start.ACCUMULATE;
import static prefdyn.vector.layers.MatrixProduct.Start.BIAS;
import static prefdyn.vector.layers.MatrixProduct.Start.ZERO;

/**
 * The float32 affine map {@code y = x·W + b}, W in GPT-2's Conv1D layout [in, out] (row-major [I, O]), with the
 * reference's names and arguments ({@code prefdyn.reference.layers.Linear}). Each product is a
 * {@link MatrixProduct}: sums in the reference's order of terms (ascending i forward, ascending n for the weight
 * gradient), each term one fused multiply-add.
 */
public final class Linear {

    private Linear() {
    }

    /**
     * out[n,o] = bias[o] + Σ_i inp[n,i] · weight[i,o]   (sum in ascending i).
     *
     * @param out    [N,O] written
     * @param inp    [N,I]
     * @param params [P]; weight [I,O] at {@code weightOffset}; bias [O] at {@code biasOffset}, or −1 for none
     */
    public static void linearForward(Parallel parallel, float[] out, float[] inp, float[] params, int weightOffset,
                                     int biasOffset, int N, int I, int O) {
        MatrixProduct.multiply(parallel, out, 0, O, inp, 0, I, 1, params, weightOffset, O, 1, params, biasOffset,
                biasOffset < 0 ? ZERO : BIAS, N, I, O);
    }

    /**
     * Accumulates the gradients of {@link #linearForward}:
     * <pre>
     *   ∂L/∂inp[n,i]    += Σ_o dout[n,o] · weight[i,o]     (ascending o)
     *   ∂L/∂weight[i,o] += Σ_n inp[n,i] · dout[n,o]        (ascending n, onto the gradient's value)
     *   ∂L/∂bias[o]     += Σ_n dout[n,o]                   (ascending n, then added)
     * </pre>
     *
     * @param dinp  [N,I] accumulated into; may be null when the input needs no gradient
     * @param grads [P] accumulated into at the weight (and bias) offsets
     * @param dout  [N,O]
     * @param inp   [N,I] the forward input
     */
    public static void linearBackward(Parallel parallel, float[] dinp, float[] grads, float[] dout, float[] inp,
                                      float[] params, int weightOffset, int biasOffset, int N, int I, int O) {
        if (dinp != null) {
            // dinp[n,i] += Σ_o dout[n,o] · weightᵀ[o,i]: weight read transposed in place
            MatrixProduct.multiply(parallel, dinp, 0, I, dout, 0, O, 1, params, weightOffset, 1, O, null, 0,
                    ACCUMULATE, N, O, I);
        }
        // grads[i,o] += Σ_n inpᵀ[i,n] · dout[n,o]: inp read transposed in place
        MatrixProduct.multiply(parallel, grads, weightOffset, O, inp, 0, 1, I, dout, 0, O, 1, null, 0, ACCUMULATE,
                I, N, O);
        if (biasOffset >= 0) {
            ColumnSums.accumulate(parallel, grads, biasOffset, dout, N, O);
        }
    }
}
