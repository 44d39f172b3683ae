package prefdyn.vector.layers;

/**
 * Token + position embedding, {@code x[b,t,:] = wte[token[b,t], :] + wpe[t, :]}, in float32, as
 * {@code prefdyn.reference.layers.Encoder}.
 */
public final class Encoder {

    private Encoder() {
    }

    /**
     * out[b,t,c] = wte[tokens[b,t], c] + wpe[t, c].
     *
     * @param out    [B,T,C] written
     * @param tokens [B,T] in [0, V)
     * @param params [P]; wte [V,C] at {@code wteOffset}, wpe [maxT,C] at {@code wpeOffset}
     */
    public static void encoderForward(float[] out, int[] tokens, float[] params, int wteOffset, int wpeOffset,
                                      int B, int T, int C) {
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                int row = (b * T + t) * C;
                int tokenRow = wteOffset + tokens[b * T + t] * C;
                int positionRow = wpeOffset + t * C;
                for (int c = 0; c < C; c++) {
                    out[row + c] = params[tokenRow + c] + params[positionRow + c];
                }
            }
        }
    }

    /**
     * out[n,c] = wte[tokens[n], c] + wpe[positions[n], c] (one position per row: a KV-cached sampling step).
     *
     * @param out       [N,C] written
     * @param tokens    [N]
     * @param positions [N]
     * @param params    [P]
     */
    public static void encoderForwardAtPositions(float[] out, int[] tokens, int[] positions, float[] params,
                                                 int wteOffset, int wpeOffset, int N, int C) {
        for (int n = 0; n < N; n++) {
            int tokenRow = wteOffset + tokens[n] * C;
            int positionRow = wpeOffset + positions[n] * C;
            for (int c = 0; c < C; c++) {
                out[n * C + c] = params[tokenRow + c] + params[positionRow + c];
            }
        }
    }

    /**
     * ∂L/∂wte[token,c] += Σ_{(b,t): tokens[b,t]=token} dout[b,t,c], ∂L/∂wpe[t,c] += Σ_b dout[b,t,c], (b,t)
     * ascending.
     *
     * @param grads  [P] accumulated into
     * @param dout   [B,T,C]
     * @param tokens [B,T]
     */
    public static void encoderBackward(float[] grads, int wteOffset, int wpeOffset, float[] dout, int[] tokens,
                                       int B, int T, int C) {
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                int row = (b * T + t) * C;
                int tokenRow = wteOffset + tokens[b * T + t] * C;
                int positionRow = wpeOffset + t * C;
                for (int c = 0; c < C; c++) {
                    grads[tokenRow + c] += dout[row + c];
                    grads[positionRow + c] += dout[row + c];
                }
            }
        }
    }
}
