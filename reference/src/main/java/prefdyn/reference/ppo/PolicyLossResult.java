package prefdyn.reference.ppo;

/**
 * The clipped surrogate on one minibatch and the statistics TRL logs for it.
 *
 * @param loss         L = mean_t max(−Â_t ρ_t, −Â_t clip(ρ_t, 1−ε, 1+ε)) over response tokens ({@code loss/policy})
 * @param clipFraction fraction of response tokens where the clipped branch is strictly larger, i.e. where the
 *                     seed is 0 ({@code policy/clipfrac})
 * @param approxKl     ½·mean_t (logπ − logπ_old)² ({@code policy/approxkl})
 * @param meanRatio    mean_t ρ_t ({@code val/ratio}, which "should float around 1.0")
 * @param ratios       [B][W] ρ_t = exp(logπ − logπ_old) on response tokens, 0 elsewhere
 * @param clipped      [B][W] true where the clipped branch is active (seed exactly 0)
 * @param seeds        the per-token seeds, whole and split (paper §3.2)
 */
public record PolicyLossResult(double loss, double clipFraction, double approxKl, double meanRatio,
                               double[][] ratios, boolean[][] clipped, PolicySeeds seeds) {
}
