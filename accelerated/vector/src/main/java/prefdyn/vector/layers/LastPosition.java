package prefdyn.vector.layers;

/**
 * The rows a sampler needs, as {@code prefdyn.reference.layers.LastPosition}: each sequence's last real position.
 * Forward only (sampling is never differentiated).
 */
public final class LastPosition {

    private LastPosition() {
    }

    /**
     * out[b,c] = inp[b, lengths[b] − 1, c].
     *
     * @param out     [B,C] written
     * @param inp     [B,T,C]
     * @param lengths [B] each in [1, T]
     */
    public static void lastPositionForward(float[] out, float[] inp, int[] lengths, int B, int T, int C) {
        for (int b = 0; b < B; b++) {
            System.arraycopy(inp, (b * T + lengths[b] - 1) * C, out, b * C, C);
        }
    }
}
