package prefdyn.reference.layers;

/**
 * The rows a sampler needs. Sampling token y_{len} needs π(· | y_{&lt;len}), which only the output at each sequence's
 * last real position gives, so {@code GptModel.nextTokenLogProbs} gathers those B rows of the final LayerNorm's
 * output and runs the LM head and the log-softmax on them alone, not on all B·T positions (a saving of T× in the
 * two widest layers of a sampling pass).
 *
 * <p>Forward only: sampling is never differentiated, so there is no {@code lastPositionBackward}.
 */
public final class LastPosition {

    private LastPosition() {
    }

    /**
     * out[b,c] = inp[b, lengths[b] − 1, c].
     *
     * @param out     [B,C] written
     * @param inp     [B,T,C]
     * @param lengths [B] real lengths, each in [1, T]
     */
    public static void lastPositionForward(double[] out, double[] inp, int[] lengths, int B, int T, int C) {
        for (int b = 0; b < B; b++) {
            int row = (b * T + lengths[b] - 1) * C;
            for (int c = 0; c < C; c++) {
                out[b * C + c] = inp[row + c];
            }
        }
    }
}
