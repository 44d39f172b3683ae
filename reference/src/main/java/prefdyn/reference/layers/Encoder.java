package prefdyn.reference.layers;

/**
 * Token + position embedding, the first layer of GPT-2: {@code x[b,t,:] = wte[token[b,t], :] + wpe[t, :]}.
 */
public final class Encoder {

    private Encoder() {
    }

    /**
     * out[b,t,c] = wte[tokens[b,t], c] + wpe[t, c].
     *
     * @param out       [B,T,C] written
     * @param tokens    [B,T] token ids in [0, V)
     * @param params    [P] flat parameters; wte [V,C] at {@code wteOffset}, wpe [maxT,C] at {@code wpeOffset}
     */
    public static void encoderForward(double[] out, int[] tokens, double[] params, int wteOffset, int wpeOffset,
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
     * out[n,c] = wte[tokens[n], c] + wpe[positions[n], c]: the encoder for N rows that each hold one position of
     * its own — a KV-cached sampling step, which feeds one new token per sequence. Each element is the same single
     * addition as in {@link #encoderForward}, so a position gets the same bits either way.
     *
     * @param out       [N,C] written
     * @param tokens    [N] token ids in [0, V)
     * @param positions [N] positions in [0, maxT)
     * @param params    [P] flat parameters; wte [V,C] at {@code wteOffset}, wpe [maxT,C] at {@code wpeOffset}
     */
    public static void encoderForwardAtPositions(double[] out, int[] tokens, int[] positions, double[] params,
                                                 int wteOffset, int wpeOffset, int N, int C) {
        for (int n = 0; n < N; n++) {
            int row = n * C;
            int tokenRow = wteOffset + tokens[n] * C;
            int positionRow = wpeOffset + positions[n] * C;
            for (int c = 0; c < C; c++) {
                out[row + c] = params[tokenRow + c] + params[positionRow + c];
            }
        }
    }

    /**
     * Accumulates ∂L/∂wte[token,c] += Σ_{(b,t): tokens[b,t]=token} dout[b,t,c] and ∂L/∂wpe[t,c] += Σ_b dout[b,t,c],
     * visiting (b,t) in ascending order so the sums are deterministic.
     *
     * @param grads  [P] flat gradient, accumulated into (same offsets as the parameters)
     * @param dout   [B,T,C] ∂L/∂out
     * @param tokens [B,T]
     */
    public static void encoderBackward(double[] grads, int wteOffset, int wpeOffset, double[] dout, int[] tokens,
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
