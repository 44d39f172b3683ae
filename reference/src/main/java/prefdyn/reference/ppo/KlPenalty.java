package prefdyn.reference.ppo;

/**
 * The per-token KL penalty of RLHF-PPO and the token rewards built from it (paper §3.1; TRL {@code PPOTrainer}):
 * <pre>
 *   k1_t = log π_old(a_t|s_t) − log π_ref(a_t|s_t)
 *   k3_t = (e^{logr_t} − 1) − logr_t,          logr_t = log π_ref − log π_old   (≥ 0)
 *   r_t  = −β_kl · kl_t  +  1{t = last response token} · RM(x, y)
 * </pre>
 * The estimator in r_t is k1 by default ({@link KlEstimator}); both k1 and k3 are logged.
 */
public final class KlPenalty {

    private KlPenalty() {
    }

    /**
     * kl_t for every response token, 0 elsewhere.
     *
     * @param oldLogProbs [B][W] log π_old(a_t|s_t) (the rollout policy)
     * @param refLogProbs [B][W] log π_ref(a_t|s_t)
     * @param mask        [B][W] response tokens
     * @return [B][W]
     */
    public static double[][] perToken(KlEstimator estimator, double[][] oldLogProbs, double[][] refLogProbs,
                                      boolean[][] mask) {
        double[][] kl = new double[mask.length][];
        for (int b = 0; b < mask.length; b++) {
            kl[b] = new double[mask[b].length];
            for (int t = 0; t < mask[b].length; t++) {
                if (mask[b][t]) {
                    kl[b][t] = estimator.estimate(oldLogProbs[b][t], refLogProbs[b][t]);
                }
            }
        }
        return kl;
    }

    /**
     * r_t = −β_kl·kl_t on every response token, plus {@code scores[b]} on the last response token of row b.
     *
     * <p>TRL puts the score one position <em>past</em> the last real response token when the row has room (an
     * extra state whose log-prob is masked but whose value is not, its {@code padding_mask_p1}); prefdyn puts it
     * on the last response token itself, so that every reward belongs to a token that is trained and the value
     * after the last response token is the terminal value 0 (see {@link Gae}).
     *
     * @param kl     [B][W] per-token KL estimate, 0 off the mask
     * @param scores [B] RM(x, y) per sequence
     * @param mask   [B][W] response tokens; each row needs at least one
     * @return [B][W] token rewards
     */
    public static double[][] tokenRewards(double[][] kl, double[] scores, double klCoefficient, boolean[][] mask) {
        double[][] rewards = new double[mask.length][];
        for (int b = 0; b < mask.length; b++) {
            rewards[b] = new double[mask[b].length];
            int last = -1;
            for (int t = 0; t < mask[b].length; t++) {
                if (mask[b][t]) {
                    rewards[b][t] = -klCoefficient * kl[b][t];
                    last = t;
                }
            }
            if (last < 0) {
                throw new IllegalArgumentException("sequence " + b + " has no response token to carry its score");
            }
            rewards[b][last] += scores[b];
        }
        return rewards;
    }

    /**
     * (1/B)·Σ_b Σ_t m[b][t]·x[b][t]: TRL's {@code x.sum(1).mean()} (e.g. {@code objective/kl}).
     *
     * @param x    [B][W] per-token values
     * @param mask [B][W] response tokens
     */
    public static double meanSequenceSum(double[][] x, boolean[][] mask) {
        double total = 0;
        for (int b = 0; b < mask.length; b++) {
            double sum = 0;
            for (int t = 0; t < mask[b].length; t++) {
                if (mask[b][t]) {
                    sum += x[b][t];
                }
            }
            total += sum;
        }
        return total / mask.length;
    }
}
