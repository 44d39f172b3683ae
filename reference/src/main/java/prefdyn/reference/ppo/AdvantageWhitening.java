package prefdyn.reference.ppo;

/**
 * Advantage whitening over all response tokens of a rollout batch, as TRL's {@code masked_whiten} (shift_mean =
 * True) and OpenRLHF's normalisation across all experiences:
 * <pre>
 *   μ  = Σ_t m_t x_t / Σ_t m_t
 *   σ² = Σ_t m_t (x_t − μ)² / (Σ_t m_t − 1)          (unbiased, TRL's masked_var(unbiased=True))
 *   x̂_t = (x_t − μ) / sqrt(σ² + 1e-8)
 * </pre>
 * The 1e-8 keeps a batch of equal advantages finite (they all whiten to 0); it also makes the whitened variance
 * σ²/(σ² + 1e-8) rather than exactly 1. Whitening is what lets negative advantages appear even when every score
 * is positive (paper §3.1).
 */
public final class AdvantageWhitening {

    /** The ε inside the square root, TRL's value. */
    public static final double EPSILON = 1e-8;

    private AdvantageWhitening() {
    }

    /**
     * @param x    [B][W] values on the mask
     * @param mask [B][W] response tokens; at least two in total (the unbiased variance divides by n − 1)
     * @return [B][W] x̂ on the mask, 0 elsewhere
     */
    public static double[][] whiten(double[][] x, boolean[][] mask) {
        int n = count(mask);
        if (n < 2) {
            throw new IllegalArgumentException("advantage whitening needs at least two response tokens in the batch "
                    + "(the unbiased variance divides by n − 1), got " + n);
        }
        double mean = maskedMean(x, mask);
        double variance = unbiasedVariance(x, mask);
        double scale = 1.0 / Math.sqrt(variance + EPSILON);
        double[][] whitened = new double[mask.length][];
        for (int b = 0; b < mask.length; b++) {
            whitened[b] = new double[mask[b].length];
            for (int t = 0; t < mask[b].length; t++) {
                if (mask[b][t]) {
                    whitened[b][t] = (x[b][t] - mean) * scale;
                }
            }
        }
        return whitened;
    }

    /**
     * Σ m·x / Σ m, summed row by row in index order.
     *
     * @param x    [B][W] values
     * @param mask [B][W] which entries count; at least one
     */
    public static double maskedMean(double[][] x, boolean[][] mask) {
        double sum = 0;
        int n = 0;
        for (int b = 0; b < mask.length; b++) {
            for (int t = 0; t < mask[b].length; t++) {
                if (mask[b][t]) {
                    sum += x[b][t];
                    n++;
                }
            }
        }
        if (n == 0) {
            throw new IllegalArgumentException("a masked mean needs at least one masked entry");
        }
        return sum / n;
    }

    /**
     * Σ m·(x − μ)² / (Σ m − 1), μ the masked mean.
     *
     * @param x    [B][W] values
     * @param mask [B][W] which entries count; at least two
     */
    public static double unbiasedVariance(double[][] x, boolean[][] mask) {
        double mean = maskedMean(x, mask);
        double sum = 0;
        int n = 0;
        for (int b = 0; b < mask.length; b++) {
            for (int t = 0; t < mask[b].length; t++) {
                if (mask[b][t]) {
                    double centered = x[b][t] - mean;
                    sum += centered * centered;
                    n++;
                }
            }
        }
        if (n < 2) {
            throw new IllegalArgumentException("an unbiased variance needs at least two masked entries, got " + n);
        }
        return sum / (n - 1);
    }

    /** The number of true entries of {@code mask} [B][W]. */
    public static int count(boolean[][] mask) {
        int n = 0;
        for (boolean[] row : mask) {
            for (boolean m : row) {
                if (m) {
                    n++;
                }
            }
        }
        return n;
    }
}
