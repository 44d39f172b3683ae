package prefdyn.reference.grpo;

import prefdyn.reference.model.NonFiniteValueException;

/**
 * Sequence advantages of a batch laid out in groups: completions i = g·G … g·G + G − 1 answer the same prompt g
 * ({@code docs/paper-map.md}, "GRPO" and "RLOO").
 *
 * <pre>
 *   GRPO   Â_i = (r_i − mean_group(r)) / (s + 1e-4),  s = unbiased std of the group (GROUP) or of the batch (BATCH);
 *          Â_i = r_i − mean_group(r) without scaling (NONE)
 *   RLOO   Â_i = r_i − (1/(G−1)) Σ_{j≠i, j in group} r_j      (leave-one-out baseline)
 *          optionally whitened over the batch: (Â − mean Â) / (unbiased std Â + 1e-4)
 * </pre>
 * The unbiased standard deviation (Bessel's correction) and the 1e-4 are TRL's ({@code nanstd}, {@code + 1e-4}).
 */
public final class GroupAdvantages {

    /** TRL's additive guard on the standard deviation. */
    public static final double STD_EPSILON = 1e-4;

    private GroupAdvantages() {
    }

    /**
     * @param rewards [B] r_i, B a multiple of the group size
     * @param groupSize G ≥ 2
     * @return [B] GRPO's Â_i
     */
    public static double[] grpo(double[] rewards, int groupSize, ScaleRewards scale) {
        int groups = requireGroups(rewards, groupSize);
        double batchStd = switch (scale) {
            case BATCH -> unbiasedStd(rewards, 0, rewards.length);
            case GROUP, NONE -> Double.NaN;
        };
        double[] advantages = new double[rewards.length];
        for (int g = 0; g < groups; g++) {
            int from = g * groupSize;
            double mean = mean(rewards, from, from + groupSize);
            double divisor = switch (scale) {
                case GROUP -> unbiasedStd(rewards, from, from + groupSize) + STD_EPSILON;
                case BATCH -> batchStd + STD_EPSILON;
                case NONE -> 1.0;
            };
            for (int i = from; i < from + groupSize; i++) {
                advantages[i] = (rewards[i] - mean) / divisor;
            }
        }
        return advantages;
    }

    /**
     * @param rewards   [B] r_i (for RLOO the score minus β·Σ_t k1, see {@link RlooTrainer})
     * @param groupSize G ≥ 2
     * @param normalize whether to whiten the leave-one-out advantages over the batch (TRL's
     *                  {@code normalize_advantages})
     * @return [B] RLOO's Â_i
     */
    public static double[] rloo(double[] rewards, int groupSize, boolean normalize) {
        int groups = requireGroups(rewards, groupSize);
        double[] advantages = new double[rewards.length];
        for (int g = 0; g < groups; g++) {
            int from = g * groupSize;
            double sum = 0;
            for (int i = from; i < from + groupSize; i++) {
                sum += rewards[i];
            }
            for (int i = from; i < from + groupSize; i++) {
                advantages[i] = rewards[i] - (sum - rewards[i]) / (groupSize - 1);
            }
        }
        if (normalize) {
            double mean = mean(advantages, 0, advantages.length);
            double divisor = unbiasedStd(advantages, 0, advantages.length) + STD_EPSILON;
            for (int i = 0; i < advantages.length; i++) {
                advantages[i] = (advantages[i] - mean) / divisor;
            }
        }
        return advantages;
    }

    /**
     * Each completion's advantage on its response tokens.
     *
     * @param advantages [B] Â_i
     * @param mask       [B][W] response tokens
     * @return [B][W] Â_i on the mask, 0 elsewhere
     */
    public static double[][] perToken(double[] advantages, boolean[][] mask) {
        double[][] tokens = new double[mask.length][];
        for (int b = 0; b < mask.length; b++) {
            tokens[b] = new double[mask[b].length];
            for (int t = 0; t < mask[b].length; t++) {
                if (mask[b][t]) {
                    tokens[b][t] = advantages[b];
                }
            }
        }
        return tokens;
    }

    /** The unbiased standard deviation of x[from, to), at least two entries. */
    static double unbiasedStd(double[] x, int from, int to) {
        double mean = mean(x, from, to);
        double squares = 0;
        for (int i = from; i < to; i++) {
            squares += (x[i] - mean) * (x[i] - mean);
        }
        return Math.sqrt(squares / (to - from - 1));
    }

    static double mean(double[] x, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += x[i];
        }
        return sum / (to - from);
    }

    private static int requireGroups(double[] rewards, int groupSize) {
        if (groupSize < 2) {
            throw new IllegalArgumentException("the group size (num_generations) must be at least 2, got "
                    + groupSize + ": a group-relative advantage needs another completion of the same prompt");
        }
        if (rewards.length == 0 || rewards.length % groupSize != 0) {
            throw new IllegalArgumentException(rewards.length + " rewards do not split into groups of " + groupSize);
        }
        for (int i = 0; i < rewards.length; i++) {
            if (!Double.isFinite(rewards[i])) {
                throw new NonFiniteValueException("non-finite reward (" + rewards[i] + ") for completion " + i, i);
            }
        }
        return rewards.length / groupSize;
    }
}
