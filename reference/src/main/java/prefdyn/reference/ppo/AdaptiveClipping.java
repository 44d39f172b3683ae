package prefdyn.reference.ppo;

/**
 * BAPO's adaptive clipping bounds (Xi et al. 2510.18927, "Balanced Policy Optimization with Adaptive Clipping";
 * {@code docs/paper-map.md}, "BAPO"). Before each update, the ratio bounds [c_low, c_high] of the clipped surrogate
 * are moved so that positive-advantage tokens carry at least a share ρ₀ of the update:
 * <pre>
 *   P(c_low, c_high) = Σ_{Â_t &gt; 0, ρ_t ≤ c_high} ρ_t·Â_t          (positive tokens whose gradient is not clipped)
 *   N(c_low, c_high) = Σ_{Â_t &lt; 0, ρ_t ≥ c_low}  ρ_t·|Â_t|        (negative tokens whose gradient is not clipped)
 *   start at c_low = a⁻, c_high = a⁺;
 *   while P/(P+N) &lt; ρ₀ and c_low &lt; b⁻:  c_low  ← min(c_low + δ₁, b⁻)     (clip more negative tokens)
 *   while P/(P+N) &lt; ρ₀ and c_high &lt; b⁺: c_high ← min(c_high + δ₂, b⁺)    (let more positive tokens through)
 * </pre>
 * Defaults: ρ₀ = 0.5, [a⁻, b⁻] = [0.6, 0.9], [a⁺, b⁺] = [1.2, 3.0] (the authors' README), δ₁ = δ₂ = 0.05 (their
 * recipe's step). <b>prefdyn's reading:</b> P and N count the tokens whose clipped-surrogate gradient is non-zero,
 * so that raising c_low lowers N and raising c_high raises P; the authors' verl recipe instead sums the clipped
 * surrogate's <em>value</em> min(ρ, c_high)·Â and max(ρ, c_low)·|Â| and compares P/N with a target 1 (the same as
 * ρ₀ = ½). Neither the recipe's dual clip (ratio cap 3 on negative tokens) nor its search across data-parallel
 * ranks applies here. At θ = θ_old (ρ ≡ 1, every first update of a step, and every G measurement) the bounds do
 * not change the gradient.
 *
 * @param positiveContributionTarget ρ₀ ∈ (0, 1)
 * @param lowerStart  a⁻ ∈ (0, 1)
 * @param lowerMax    b⁻ ∈ [a⁻, 1)
 * @param lowerStep   δ₁ &gt; 0
 * @param upperStart  a⁺ &gt; 1
 * @param upperMax    b⁺ ≥ a⁺
 * @param upperStep   δ₂ &gt; 0
 */
public record AdaptiveClipping(double positiveContributionTarget, double lowerStart, double lowerMax,
                               double lowerStep, double upperStart, double upperMax, double upperStep) {

    public AdaptiveClipping {
        if (!(positiveContributionTarget > 0 && positiveContributionTarget < 1)) {
            throw new IllegalArgumentException("BAPO positiveContributionTarget (ρ₀) must be in (0, 1), got "
                    + positiveContributionTarget);
        }
        if (!(lowerStart > 0 && lowerStart <= lowerMax && lowerMax < 1)) {
            throw new IllegalArgumentException("BAPO lower bounds must satisfy 0 < lowerStart <= lowerMax < 1, got "
                    + lowerStart + ", " + lowerMax);
        }
        if (!(upperStart > 1 && upperStart <= upperMax && Double.isFinite(upperMax))) {
            throw new IllegalArgumentException("BAPO upper bounds must satisfy 1 < upperStart <= upperMax < ∞, got "
                    + upperStart + ", " + upperMax);
        }
        if (!(lowerStep > 0 && upperStep > 0)) {
            throw new IllegalArgumentException("BAPO steps must be > 0, got " + lowerStep + ", " + upperStep);
        }
    }

    /** The authors' defaults (class comment). */
    public static AdaptiveClipping defaults() {
        return new AdaptiveClipping(0.5, 0.6, 0.9, 0.05, 1.2, 3.0, 0.05);
    }

    /** These bounds with another target share ρ₀ ∈ (0, 1). */
    public AdaptiveClipping withPositiveContributionTarget(double target) {
        return new AdaptiveClipping(target, lowerStart, lowerMax, lowerStep, upperStart, upperMax, upperStep);
    }

    /** The bounds [c_low, c_high] chosen for one update. */
    public record Bounds(double low, double high, double positiveShare) {
    }

    /**
     * @param ratios     [B][W] ρ_t = π/π_old (token level) or each sequence's ρ on its tokens (sequence level)
     * @param advantages [B][W] Â_t on the response tokens
     * @param mask       [B][W] response tokens
     */
    public Bounds search(double[][] ratios, double[][] advantages, boolean[][] mask) {
        double low = lowerStart;
        double high = upperStart;
        double share = positiveShare(ratios, advantages, mask, low, high);
        while (share < positiveContributionTarget && low < lowerMax) {
            low = Math.min(low + lowerStep, lowerMax);
            share = positiveShare(ratios, advantages, mask, low, high);
        }
        while (share < positiveContributionTarget && high < upperMax) {
            high = Math.min(high + upperStep, upperMax);
            share = positiveShare(ratios, advantages, mask, low, high);
        }
        return new Bounds(low, high, share);
    }

    /** P/(P+N) for given bounds (class comment); 1 when no token carries a gradient. */
    static double positiveShare(double[][] ratios, double[][] advantages, boolean[][] mask, double low, double high) {
        double positive = 0;
        double negative = 0;
        for (int b = 0; b < mask.length; b++) {
            for (int t = 0; t < mask[b].length; t++) {
                if (!mask[b][t]) {
                    continue;
                }
                double a = advantages[b][t];
                double rho = ratios[b][t];
                if (a > 0 && rho <= high) {
                    positive += rho * a;
                } else if (a < 0 && rho >= low) {
                    negative -= rho * a;
                }
            }
        }
        return positive + negative == 0 ? 1.0 : positive / (positive + negative);
    }
}
