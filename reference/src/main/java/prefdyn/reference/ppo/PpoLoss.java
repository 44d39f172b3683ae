package prefdyn.reference.ppo;

import prefdyn.reference.model.NonFiniteValueException;

/**
 * PPO's two losses and their exact backward seeds (Schulman et al. 1707.06347 Eq. 7; TRL's {@code PPOTrainer}).
 * Every array is in token coordinates: entry [b][t] belongs to response token t of row b (mask true).
 *
 * <h2>Clipped surrogate</h2>
 * <pre>
 *   ρ_t = exp(logπ(a_t|s_t) − logπ_old(a_t|s_t))
 *   ℓ_t = max(−Â_t·ρ_t, −Â_t·clip(ρ_t, 1−ε, 1+ε))
 *   L   = (1/n) Σ_t ℓ_t,          n = number of response tokens in the minibatch
 * </pre>
 * Its seed ∂L/∂logπ_t follows from ∂ρ/∂logπ = ρ, by cases:
 * <ul>
 *   <li>1−ε ≤ ρ ≤ 1+ε: clip(ρ) = ρ, both branches are the same function, ∂ℓ/∂logπ = −Â·ρ.</li>
 *   <li>ρ &gt; 1+ε, Â &gt; 0: −Âρ &lt; −Â(1+ε), so the max is the clipped branch, a constant: seed 0.</li>
 *   <li>ρ &gt; 1+ε, Â &lt; 0: −Âρ &gt; −Â(1+ε), the unclipped branch is active: seed −Â·ρ/n.</li>
 *   <li>ρ &lt; 1−ε, Â &gt; 0: −Âρ &gt; −Â(1−ε), unclipped: seed −Â·ρ/n.</li>
 *   <li>ρ &lt; 1−ε, Â &lt; 0: −Âρ &lt; −Â(1−ε), clipped: seed 0.</li>
 *   <li>Â = 0: ℓ ≡ 0, seed 0.</li>
 * </ul>
 * With BAPO's adaptive bounds ({@link AdaptiveClipping}) the interval [1−ε, 1+ε] is [c_low, c_high] instead, with
 * the same cases. So seed_t = −Â_t·ρ_t/n except where the clipped branch is <em>strictly</em> larger, where it is
 * 0; that is
 * also TRL's {@code clipfrac} test ({@code pg_losses2 > pg_losses}). At ρ = 1 (the first minibatch of a step)
 * the seed is −Â_t/n: the gradient is −mean_t Â_t ∇logπ_t, paper §3.2's decomposition.
 *
 * <h2>Clipped value loss</h2>
 * <pre>
 *   V^c_t = clip(V_t, V_old,t − ε_v, V_old,t + ε_v)
 *   L_V   = (0.5/n) Σ_t max((V_t − R_t)², (V^c_t − R_t)²)
 * </pre>
 * Inside [V_old ± ε_v] both terms coincide; outside, V^c is constant. So ∂L_V/∂V_t = (V_t − R_t)/n except where
 * the clipped term is strictly larger, where it is 0. (At an exact tie outside the range PyTorch would give half;
 * ties have measure zero and prefdyn takes the unclipped branch.)
 */
public final class PpoLoss {

    private PpoLoss() {
    }

    /**
     * The clipped surrogate, its statistics and its seeds, with |Â| tertiles computed over the given tokens.
     *
     * @param logProbs    [B][W] logπ(a_t|s_t) of the current parameters
     * @param oldLogProbs [B][W] logπ_old(a_t|s_t) of the rollout policy
     * @param advantages  [B][W] Â_t (whitened, possibly re-weighted by a {@link PpoObjective})
     * @param mask        [B][W] response tokens; at least one
     * @param cliprange   ε &gt; 0
     */
    public static PolicyLossResult policyLoss(double[][] logProbs, double[][] oldLogProbs, double[][] advantages,
                                              boolean[][] mask, double cliprange) {
        return policyLoss(logProbs, oldLogProbs, advantages, mask, AdvantageTertiles.assign(advantages, mask),
                cliprange);
    }

    /**
     * As {@link #policyLoss(double[][], double[][], double[][], boolean[][], double)}, with the tertiles given
     * (the trainer computes them once over the whole rollout batch and slices them per minibatch).
     *
     * @param tertiles [B][W] tertile index 0/1/2 of every response token
     */
    public static PolicyLossResult policyLoss(double[][] logProbs, double[][] oldLogProbs, double[][] advantages,
                                              boolean[][] mask, int[][] tertiles, double cliprange) {
        requirePositive("cliprange", cliprange);
        return policyLoss(logProbs, oldLogProbs, advantages, mask, tertiles, 1 - cliprange, 1 + cliprange);
    }

    /**
     * The clipped surrogate with ratio bounds [clipLow, clipHigh] (BAPO's, {@link AdaptiveClipping}; the class
     * comment with 1−ε, 1+ε replaced by them); with clipLow = 1 − ε and clipHigh = 1 + ε it is the method above,
     * bit for bit.
     *
     * @param logProbs    [B][W] logπ(a_t|s_t) of the current parameters
     * @param oldLogProbs [B][W] logπ_old(a_t|s_t) of the rollout policy
     * @param advantages  [B][W] Â_t
     * @param mask        [B][W] response tokens; at least one
     * @param tertiles    [B][W] tertile index 0/1/2 of every response token
     * @param clipLow     c_low ≤ 1
     * @param clipHigh    c_high ≥ 1, finite
     */
    public static PolicyLossResult policyLoss(double[][] logProbs, double[][] oldLogProbs, double[][] advantages,
                                              boolean[][] mask, int[][] tertiles, double clipLow, double clipHigh) {
        if (!(clipLow <= 1 && clipHigh >= 1 && Double.isFinite(clipLow) && Double.isFinite(clipHigh))) {
            throw new IllegalArgumentException("the ratio bounds must satisfy clipLow <= 1 <= clipHigh, both finite, "
                    + "got [" + clipLow + ", " + clipHigh + "]");
        }
        requireShape(mask, logProbs, "logProbs");
        requireShape(mask, oldLogProbs, "oldLogProbs");
        requireShape(mask, advantages, "advantages");
        if (tertiles.length != mask.length) {
            throw new IllegalArgumentException("tertiles: expected " + mask.length + " rows like the mask, got "
                    + tertiles.length);
        }
        int n = requireTokens(mask);
        int B = mask.length;
        double[][] ratios = new double[B][];
        boolean[][] clipped = new boolean[B][];
        double[][] total = new double[B][];
        double[][] positive = new double[B][];
        double[][] negative = new double[B][];
        double[][][] byTertile = new double[3][B][];
        double lossSum = 0;
        double squaredLogRatioSum = 0;
        double ratioSum = 0;
        int clippedCount = 0;
        for (int b = 0; b < B; b++) {
            int W = mask[b].length;
            ratios[b] = new double[W];
            clipped[b] = new boolean[W];
            total[b] = new double[W];
            positive[b] = new double[W];
            negative[b] = new double[W];
            for (int k = 0; k < 3; k++) {
                byTertile[k][b] = new double[W];
            }
            for (int t = 0; t < W; t++) {
                if (!mask[b][t]) {
                    continue;
                }
                double advantage = advantages[b][t];
                double logRatio = logProbs[b][t] - oldLogProbs[b][t];
                double ratio = Math.exp(logRatio);
                double unclippedLoss = -advantage * ratio;
                double clippedLoss = -advantage * clip(ratio, clipLow, clipHigh);
                boolean clippedActive = clippedLoss > unclippedLoss;
                double tokenLoss = clippedActive ? clippedLoss : unclippedLoss;
                if (!Double.isFinite(tokenLoss)) {
                    throw new NonFiniteValueException("non-finite PPO policy loss (" + tokenLoss + ") in sequence "
                            + b + " at position " + t + ": advantage " + advantage + ", log-ratio " + logRatio, b);
                }
                double seed = clippedActive ? 0.0 : unclippedLoss / n;   // −Â·ρ/n
                seed = seed == 0.0 ? 0.0 : seed;                          // no −0.0, so parts add up bit for bit
                ratios[b][t] = ratio;
                clipped[b][t] = clippedActive;
                total[b][t] = seed;
                if (advantage > 0) {
                    positive[b][t] = seed;
                } else {
                    negative[b][t] = seed;
                }
                int tertile = tertiles[b][t];
                if (tertile < 0 || tertile > 2) {
                    throw new IllegalArgumentException("response token at sequence " + b + ", position " + t
                            + " has no |Â| tertile (got " + tertile + ")");
                }
                byTertile[tertile][b][t] = seed;
                lossSum += tokenLoss;
                squaredLogRatioSum += logRatio * logRatio;
                ratioSum += ratio;
                if (clippedActive) {
                    clippedCount++;
                }
            }
        }
        PolicySeeds seeds = new PolicySeeds(total, positive, negative, byTertile[0], byTertile[1], byTertile[2],
                copy(tertiles));
        return new PolicyLossResult(lossSum / n, (double) clippedCount / n, 0.5 * squaredLogRatioSum / n,
                ratioSum / n, ratios, clipped, seeds);
    }

    /**
     * The per-token seeds of the clipped surrogate, whole and split into positive / negative learning and |Â|
     * tertiles (over the given tokens). This is what the dynamics module seeds backward with.
     *
     * @param logProbs    [B][W] logπ(a_t|s_t) of the current parameters
     * @param oldLogProbs [B][W] logπ_old(a_t|s_t) of the rollout policy (= logProbs at θ_old: ratio 1)
     * @param advantages  [B][W] Â_t
     * @param mask        [B][W] response tokens; at least one
     * @param cliprange   ε &gt; 0
     * @see #policyLoss(double[][], double[][], double[][], boolean[][], double)
     */
    public static PolicySeeds policySeeds(double[][] logProbs, double[][] oldLogProbs, double[][] advantages,
                                          boolean[][] mask, double cliprange) {
        return policyLoss(logProbs, oldLogProbs, advantages, mask, cliprange).seeds();
    }

    /**
     * The clipped value loss and its seeds ∂L_V/∂V(s_t) (not yet scaled by {@code vf_coef}).
     *
     * @param values         [B][W] V(s_t) of the current critic, token coordinates
     * @param oldValues      [B][W] V_old(s_t) from the rollout
     * @param returns        [B][W] R_t = Â_t + V_old(s_t) (un-whitened Â)
     * @param mask           [B][W] response tokens; at least one
     * @param cliprangeValue ε_v &gt; 0
     */
    public static ValueLossResult valueLoss(double[][] values, double[][] oldValues, double[][] returns,
                                            boolean[][] mask, double cliprangeValue) {
        requirePositive("cliprangeValue", cliprangeValue);
        requireShape(mask, values, "values");
        requireShape(mask, oldValues, "oldValues");
        requireShape(mask, returns, "returns");
        int n = requireTokens(mask);
        double[][] seeds = new double[mask.length][];
        double lossSum = 0;
        int clippedCount = 0;
        for (int b = 0; b < mask.length; b++) {
            seeds[b] = new double[mask[b].length];
            for (int t = 0; t < mask[b].length; t++) {
                if (!mask[b][t]) {
                    continue;
                }
                double value = values[b][t];
                double clippedValue = clip(value, oldValues[b][t] - cliprangeValue, oldValues[b][t] + cliprangeValue);
                double unclippedError = (value - returns[b][t]) * (value - returns[b][t]);
                double clippedError = (clippedValue - returns[b][t]) * (clippedValue - returns[b][t]);
                boolean clippedActive = clippedError > unclippedError;
                double tokenLoss = 0.5 * (clippedActive ? clippedError : unclippedError);
                if (!Double.isFinite(tokenLoss)) {
                    throw new NonFiniteValueException("non-finite PPO value loss (" + tokenLoss + ") in sequence "
                            + b + " at position " + t + ": value " + value + ", return " + returns[b][t], b);
                }
                seeds[b][t] = clippedActive ? 0.0 : (value - returns[b][t]) / n;
                lossSum += tokenLoss;
                if (clippedActive) {
                    clippedCount++;
                }
            }
        }
        return new ValueLossResult(lossSum / n, (double) clippedCount / n, seeds);
    }

    /** clip(x, lo, hi) = min(max(x, lo), hi), like {@code torch.clamp}. */
    static double clip(double x, double low, double high) {
        return Math.min(Math.max(x, low), high);
    }

    private static void requirePositive(String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be finite and > 0, got " + value);
        }
    }

    private static void requireShape(boolean[][] mask, double[][] array, String name) {
        if (array.length != mask.length) {
            throw new IllegalArgumentException(name + ": expected " + mask.length + " rows like the mask, got "
                    + array.length);
        }
        for (int b = 0; b < mask.length; b++) {
            if (array[b].length != mask[b].length) {
                throw new IllegalArgumentException(name + ", sequence " + b + ": expected width " + mask[b].length
                        + " like the mask, got " + array[b].length);
            }
        }
    }

    private static int requireTokens(boolean[][] mask) {
        int n = AdvantageWhitening.count(mask);
        if (n == 0) {
            throw new IllegalArgumentException("the minibatch has no response tokens to average over");
        }
        return n;
    }

    private static int[][] copy(int[][] array) {
        int[][] copy = new int[array.length][];
        for (int b = 0; b < array.length; b++) {
            copy[b] = array[b].clone();
        }
        return copy;
    }
}
