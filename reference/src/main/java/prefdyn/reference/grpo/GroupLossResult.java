package prefdyn.reference.grpo;

import prefdyn.reference.ppo.PolicySeeds;

/**
 * One evaluation of a group objective's loss ({@link GroupPolicyLoss}) on a batch.
 *
 * @param loss             L, the objective's value (the KL term included)
 * @param meanKl           the token mean of k3 = exp(lp_ref − lp) − (lp_ref − lp) − 1 (TRL's {@code kl}); for RLOO,
 *                         whose KL sits in the reward, the token mean of k1 = lp − lp_ref
 * @param clipLowFraction  fraction of response tokens (GRPO) or completions (RLOO) with ρ &lt; c_low and Â &lt; 0
 * @param clipHighFraction fraction with ρ &gt; c_high and Â &gt; 0
 * @param meanRatio        token mean of ρ
 * @param clipLow          the lower ratio bound c_low used
 * @param clipHigh         the upper ratio bound c_high used
 * @param seeds            ∂L/∂logπ_t, whole and split by the sign of Â and by |Â| tertile
 */
public record GroupLossResult(double loss, double meanKl, double clipLowFraction, double clipHighFraction,
                              double meanRatio, double clipLow, double clipHigh, PolicySeeds seeds) {

    /** Fraction clipped on either side (TRL's {@code clip_ratio/region_mean}). */
    public double clipRegionFraction() {
        return clipLowFraction + clipHighFraction;
    }
}
