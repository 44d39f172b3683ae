package prefdyn.reference.ppo;

import prefdyn.reference.model.NonFiniteValueException;

/**
 * A rollout plus everything PPO derives from it before the epochs start (TRL's steps 7–10): per-token KL, token
 * rewards, GAE advantages and returns, whitened advantages and their |Â| tertiles. All [B][W] arrays are in token
 * coordinates.
 *
 * @param rollout          what was sampled and scored
 * @param klCoefficient    β_kl used in the rewards of this step
 * @param estimator        the KL estimator in the rewards
 * @param k1               [B][W] log π_old − log π_ref (logged as {@code objective/kl})
 * @param k3               [B][W] (e^logr − 1) − logr, logr = log π_ref − log π_old (logged as {@code objective/kl3})
 * @param nonScoreRewards  [B][W] −β_kl·kl_t
 * @param tokenRewards     [B][W] r_t = −β_kl·kl_t + score on the last response token
 * @param rawAdvantages    [B][W] GAE Â_t before whitening
 * @param returns          [B][W] R_t = Â_t + V_old(s_t), the critic's targets
 * @param advantages       [B][W] whitened Â_t over all response tokens of the batch
 * @param tertiles         [B][W] |Â| tertile of each response token of the batch (whitened Â), −1 elsewhere
 */
public record Experience(Rollout rollout, double klCoefficient, KlEstimator estimator, double[][] k1,
                         double[][] k3, double[][] nonScoreRewards, double[][] tokenRewards,
                         double[][] rawAdvantages, double[][] returns, double[][] advantages, int[][] tertiles) {

    /**
     * Computes the KL penalty, rewards, GAE(γ, λ), returns, whitening and tertiles.
     *
     * @throws NonFiniteValueException naming the sequence and position of the first NaN or infinite reward,
     *                                 advantage or return
     */
    public static Experience of(Rollout rollout, double klCoefficient, KlEstimator estimator, double gamma,
                                double lambda) {
        boolean[][] mask = rollout.mask();
        double[][] k1 = KlPenalty.perToken(KlEstimator.K1, rollout.oldLogProbs(), rollout.refLogProbs(), mask);
        double[][] k3 = KlPenalty.perToken(KlEstimator.K3, rollout.oldLogProbs(), rollout.refLogProbs(), mask);
        double[][] penalty = estimator == KlEstimator.K1 ? k1 : k3;
        double[] noScores = new double[mask.length];
        double[][] nonScoreRewards = KlPenalty.tokenRewards(penalty, noScores, klCoefficient, mask);
        double[][] tokenRewards = KlPenalty.tokenRewards(penalty, rollout.scores(), klCoefficient, mask);
        requireFinite("reward", tokenRewards, mask);
        Gae.AdvantagesAndReturns gae = Gae.estimate(tokenRewards, rollout.oldValues(), mask, gamma, lambda);
        requireFinite("advantage", gae.advantages(), mask);
        requireFinite("return", gae.returns(), mask);
        double[][] advantages = AdvantageWhitening.whiten(gae.advantages(), mask);
        requireFinite("whitened advantage", advantages, mask);
        int[][] tertiles = AdvantageTertiles.assign(advantages, mask);
        return new Experience(rollout, klCoefficient, estimator, k1, k3, nonScoreRewards, tokenRewards,
                gae.advantages(), gae.returns(), advantages, tertiles);
    }

    /** The fraction of response tokens with Â &gt; 0 (positive learning). */
    public double positiveTokenFraction() {
        boolean[][] mask = rollout.mask();
        int positive = 0;
        int n = 0;
        for (int b = 0; b < mask.length; b++) {
            for (int t = 0; t < mask[b].length; t++) {
                if (mask[b][t]) {
                    n++;
                    if (advantages[b][t] > 0) {
                        positive++;
                    }
                }
            }
        }
        return (double) positive / n;
    }

    private static void requireFinite(String quantity, double[][] x, boolean[][] mask) {
        for (int b = 0; b < mask.length; b++) {
            for (int t = 0; t < mask[b].length; t++) {
                if (mask[b][t] && !Double.isFinite(x[b][t])) {
                    throw new NonFiniteValueException("non-finite " + quantity + " (" + x[b][t] + ") in sequence " + b
                            + " at position " + t, b);
                }
            }
        }
    }
}
