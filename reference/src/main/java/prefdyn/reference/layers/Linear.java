package prefdyn.reference.layers;

import prefdyn.reference.util.Parallel;

/**
 * Affine map {@code y = x·W + b} with W in Hugging Face GPT-2's Conv1D layout [in, out] (so the flat weight is
 * row-major [I, O]). Used for the qkv projection, the attention output projection, both MLP matrices, and, with
 * O = 1, the value and reward heads.
 */
public final class Linear {

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
        parallel.forEach(N, n -> {
            int outRow = n * O;
            for (int o = 0; o < O; o++) {
                out[outRow + o] = biasOffset < 0 ? 0.0 : params[biasOffset + o];
            }
            for (int i = 0; i < I; i++) {
                double x = inp[n * I + i];
                int weightRow = weightOffset + i * O;
                for (int o = 0; o < O; o++) {
                    out[outRow + o] += x * params[weightRow + o];
                }
            }
        });
    }

    /**
     * Accumulates the gradients of {@link #linearForward}:
     * <pre>
     *   ∂L/∂inp[n,i]    += Σ_o dout[n,o] · weight[i,o]
     *   ∂L/∂weight[i,o] += Σ_n inp[n,i] · dout[n,o]
     *   ∂L/∂bias[o]     += Σ_n dout[n,o]
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
            parallel.forEach(N, n -> {
                for (int i = 0; i < I; i++) {
                    dinp[n * I + i] += Dot.dot(dout, n * O, params, weightOffset + i * O, O);
                }
            });
        }
        parallel.forEach(I, i -> {
            int weightRow = weightOffset + i * O;
            for (int n = 0; n < N; n++) {
                double x = inp[n * I + i];
                int doutRow = n * O;
                for (int o = 0; o < O; o++) {
                    grads[weightRow + o] += x * dout[doutRow + o];
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
}
