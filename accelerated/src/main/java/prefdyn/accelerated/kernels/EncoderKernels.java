package prefdyn.accelerated.kernels;

/**
 * Twin of {@code prefdyn.reference.layers.Encoder}: token + position embedding,
 * {@code x[b,t,:] = wte[token[b,t], :] + wpe[t, :]}.
 */
abstract class EncoderKernels extends TwinBuffers {

    /**
     * Mirrors {@code Encoder.encoderForward}: out[b,t,c] = wte[tokens[b,t], c] + wpe[t, c].
     * One work item per (b,t,c): B·T·C items.
     *
     * @param out    [B,T,C] written
     * @param tokens [B,T] token ids in [0, V)
     * @param params [P]; wte [V,C] at {@code wteOffset}, wpe [maxT,C] at {@code wpeOffset}
     */
    protected void encoderForward(int item, float[] out, int outOffset, int[] tokens, int tokensOffset,
                                  float[] params, int wteOffset, int wpeOffset, int T, int C) {
        int n = item / C;
        int c = item % C;
        int t = n % T;
        out[outOffset + item] = params[wteOffset + tokens[tokensOffset + n] * C + c] + params[wpeOffset + t * C + c];
    }

    /**
     * Mirrors {@code Encoder.encoderForwardAtPositions}: out[n,c] = wte[tokens[n], c] + wpe[positions[n], c], the
     * encoder of a KV-cached sampling step (one new position per row). One work item per (n,c): N·C items.
     *
     * @param out       [N,C] written
     * @param tokens    [N] token ids in [0, V)
     * @param positions [N] positions in [0, maxT)
     * @param params    [P]; wte [V,C] at {@code wteOffset}, wpe [maxT,C] at {@code wpeOffset}
     */
    protected void encoderForwardAtPositions(int item, float[] out, int outOffset, int[] tokens, int tokensOffset,
                                             int[] positions, int positionsOffset, float[] params, int wteOffset,
                                             int wpeOffset, int C) {
        int n = item / C;
        int c = item % C;
        out[outOffset + item] = params[wteOffset + tokens[tokensOffset + n] * C + c]
                + params[wpeOffset + positions[positionsOffset + n] * C + c];
    }

    /**
     * Mirrors {@code Encoder.encoderBackward}: ∂L/∂wte[token,c] += Σ_{(b,t): tokens[b,t]=token} dout[b,t,c] and
     * ∂L/∂wpe[t,c] += Σ_b dout[b,t,c]. One work item per channel c (C items): it owns column c of wte and wpe and
     * visits (b,t) in ascending order, the reference's order.
     *
     * @param grads  [P] accumulated into at the wte and wpe offsets
     * @param dout   [B,T,C]
     * @param tokens [B,T]
     */
    protected void encoderBackward(int item, float[] grads, int wteOffset, int wpeOffset, float[] dout, int doutOffset,
                                   int[] tokens, int tokensOffset, int B, int T, int C) {
        int c = item;
        for (int n = 0; n < B * T; n++) {
            float d = dout[doutOffset + n * C + c];
            int tokenRow = wteOffset + tokens[tokensOffset + n] * C;
            int positionRow = wpeOffset + (n % T) * C;
            grads[tokenRow + c] += d;
            grads[positionRow + c] += d;
        }
    }
}
