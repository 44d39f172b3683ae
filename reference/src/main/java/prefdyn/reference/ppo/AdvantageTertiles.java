package prefdyn.reference.ppo;

import prefdyn.reference.model.NonFiniteValueException;
import prefdyn.reference.util.Tertiles;

import java.util.Arrays;

/**
 * Splits a batch's response tokens into three equal-sized groups by |Â| (paper §3.2, whose "top, middle and
 * bottom subgroups" its OpenReview reviews quote): the reweighting part of the PPO decomposition.
 *
 * <p>Rule ({@link Tertiles}, shared with DPO's ω tertiles): list the n response tokens in batch order (row b, then
 * position t), sort them by |Â| ascending with ties broken by that order, giving ranks r = 0 … n−1; the token of
 * rank r goes to tertile ⌊3r / n⌋ (0 bottom, 1 middle, 2 top). So the groups partition the tokens exactly, their
 * sizes differ by at most one (for n = 3k+1 the bottom group has the extra token, for n = 3k+2 bottom and middle
 * do), and tokens with equal |Â| that straddle a boundary are split by position rather than moved together.
 */
public final class AdvantageTertiles {

    /** The value stored for positions that are not response tokens. */
    public static final int NONE = -1;

    private AdvantageTertiles() {
    }

    /**
     * @param advantages [B][W] Â on response tokens
     * @param mask       [B][W] response tokens
     * @return [B][W] tertile index (0, 1, 2) of each response token, {@link #NONE} elsewhere
     * @throws NonFiniteValueException naming the sequence and position of a NaN or infinite Â
     */
    public static int[][] assign(double[][] advantages, boolean[][] mask) {
        int n = AdvantageWhitening.count(mask);
        double[] magnitudes = new double[n];
        int k = 0;
        for (int b = 0; b < mask.length; b++) {
            for (int t = 0; t < mask[b].length; t++) {
                if (mask[b][t]) {
                    if (!Double.isFinite(advantages[b][t])) {
                        throw new NonFiniteValueException("non-finite advantage (" + advantages[b][t]
                                + ") in sequence " + b + " at position " + t, b);
                    }
                    magnitudes[k++] = Math.abs(advantages[b][t]);
                }
            }
        }
        int[] groups = Tertiles.assign(magnitudes);
        int[][] tertiles = new int[mask.length][];
        k = 0;
        for (int b = 0; b < mask.length; b++) {
            tertiles[b] = new int[mask[b].length];
            Arrays.fill(tertiles[b], NONE);
            for (int t = 0; t < mask[b].length; t++) {
                if (mask[b][t]) {
                    tertiles[b][t] = groups[k++];
                }
            }
        }
        return tertiles;
    }
}
