package prefdyn.reference.grpo;

import prefdyn.reference.model.NonFiniteValueException;
import prefdyn.reference.ppo.PolicySeeds;

/**
 * The clipped policy losses of GRPO and RLOO and their exact backward seeds ∂L/∂logπ_t ({@code docs/paper-map.md},
 * "GRPO" and "RLOO"). Arrays are in token coordinates: entry [b][t] belongs to response token t of completion b.
 *
 * <h2>GRPO (token level, TRL's {@code GRPOTrainer._compute_loss})</h2>
 * <pre>
 *   ρ_t = exp(lp_t − lp_old,t),   k3_t = exp(lp_ref,t − lp_t) − (lp_ref,t − lp_t) − 1
 *   ℓ_t = −min(ρ_t·Â_b, clip(ρ_t, c_low, c_high)·Â_b) + β·k3_t,    c_low = 1 − ε, c_high = 1 + ε_high
 *   L   = Σ_{b,t} c_{b,t}·ℓ_t,   c_{b,t} = 1/(B·|o_b|) (grpo), 1/(B·max_completion_length) (dr_grpo), 1/Σ|o| (dapo)
 *   ∂L/∂lp_t = c_{b,t}·(s_t + β·(1 − exp(lp_ref,t − lp_t))),   s_t = 0 where the clipped branch is strictly smaller
 *              (the min takes the constant), else −Â_b·ρ_t
 * </pre>
 * <h2>RLOO (sequence level, TRL's {@code RLOOTrainer._compute_loss})</h2>
 * <pre>
 *   ρ_b = exp(Σ_t lp_t − Σ_t lp_old,t),   ℓ_b = −min(ρ_b·Â_b, clip(ρ_b, c_low, c_high)·Â_b),   L = (1/B) Σ_b ℓ_b
 *   ∂L/∂lp_t = (1/B)·s_b for every response token t of b   (KL is in RLOO's reward, not in L)
 * </pre>
 * <h2>Decomposition (as PPO's, paper §3.2)</h2>
 * Each token's whole seed (its KL part included) goes to {@code positive} when its Â &gt; 0 and to {@code negative}
 * otherwise, and to the |Â| tertile given for it; the other parts hold +0.0 there, so total = positive + negative =
 * bottom + middle + top exactly, entry by entry.
 */
public final class GroupPolicyLoss {

    private GroupPolicyLoss() {
    }

    /**
     * GRPO's loss.
     *
     * @param logProbs            [B][W] lp_t of the current parameters
     * @param oldLogProbs         [B][W] lp_old,t of the sampling policy
     * @param referenceLogProbs   [B][W] lp_ref,t (read only when β &gt; 0)
     * @param advantages          [B][W] Â on each completion's tokens (possibly re-weighted by a variant)
     * @param mask                [B][W] response tokens; every row has at least one
     * @param tertiles            [B][W] |Â| tertile 0/1/2 of every response token
     * @param beta                β ≥ 0
     * @param maxCompletionLength the normaliser of {@link GrpoLossType#DR_GRPO}
     */
    public static GroupLossResult grpo(double[][] logProbs, double[][] oldLogProbs, double[][] referenceLogProbs,
                                       double[][] advantages, boolean[][] mask, int[][] tertiles, double clipLow,
                                       double clipHigh, double beta, GrpoLossType lossType, int maxCompletionLength) {
        int B = mask.length;
        int total = 0;
        int[] counts = new int[B];
        for (int b = 0; b < B; b++) {
            for (boolean m : mask[b]) {
                counts[b] += m ? 1 : 0;
            }
            if (counts[b] == 0) {
                throw new IllegalArgumentException("completion " + b + " has no response tokens");
            }
            total += counts[b];
        }
        Seeds seeds = new Seeds(mask);
        double loss = 0, kl = 0, ratioSum = 0;
        int low = 0, high = 0;
        for (int b = 0; b < B; b++) {
            double weight = switch (lossType) {
                case GRPO -> 1.0 / ((double) B * counts[b]);
                case DR_GRPO -> 1.0 / ((double) B * maxCompletionLength);
                case DAPO -> 1.0 / total;
            };
            for (int t = 0; t < mask[b].length; t++) {
                if (!mask[b][t]) {
                    continue;
                }
                double a = advantages[b][t];
                double logRatio = logProbs[b][t] - oldLogProbs[b][t];
                double ratio = Math.exp(logRatio);
                Surrogate surrogate = Surrogate.of(ratio, a, clipLow, clipHigh);
                double tokenLoss = surrogate.loss();
                double seed = surrogate.seed();
                if (beta > 0) {
                    double referenceGap = referenceLogProbs[b][t] - logProbs[b][t];
                    double k3 = Math.exp(referenceGap) - referenceGap - 1;
                    tokenLoss += beta * k3;
                    seed += beta * (1 - Math.exp(referenceGap));
                    kl += k3;
                }
                if (!Double.isFinite(tokenLoss) || !Double.isFinite(seed)) {
                    throw new NonFiniteValueException("non-finite GRPO loss (" + tokenLoss + ") in completion " + b
                            + " at position " + t + ": advantage " + a + ", log-ratio " + logRatio, b);
                }
                loss += weight * tokenLoss;
                seeds.put(b, t, weight * seed, a, tertiles[b][t]);
                ratioSum += ratio;
                low += ratio < clipLow && a < 0 ? 1 : 0;
                high += ratio > clipHigh && a > 0 ? 1 : 0;
            }
        }
        return new GroupLossResult(loss, kl / total, (double) low / total, (double) high / total, ratioSum / total,
                clipLow, clipHigh, seeds.build(tertiles));
    }

    /**
     * RLOO's loss; arguments as {@link #grpo}, Â constant over each completion's tokens (the first token's is used).
     *
     * @param referenceLogProbs [B][W] lp_ref,t, only for the logged k1 mean
     */
    public static GroupLossResult rloo(double[][] logProbs, double[][] oldLogProbs, double[][] referenceLogProbs,
                                       double[][] advantages, boolean[][] mask, int[][] tertiles, double clipLow,
                                       double clipHigh) {
        int B = mask.length;
        Seeds seeds = new Seeds(mask);
        double loss = 0, kl = 0, ratioSum = 0;
        int low = 0, high = 0, tokens = 0;
        for (int b = 0; b < B; b++) {
            double logRatio = 0;
            int first = -1;
            for (int t = 0; t < mask[b].length; t++) {
                if (mask[b][t]) {
                    logRatio += logProbs[b][t] - oldLogProbs[b][t];
                    kl += logProbs[b][t] - referenceLogProbs[b][t];
                    first = first < 0 ? t : first;
                    tokens++;
                }
            }
            if (first < 0) {
                throw new IllegalArgumentException("completion " + b + " has no response tokens");
            }
            double a = advantages[b][first];
            double ratio = Math.exp(logRatio);
            Surrogate surrogate = Surrogate.of(ratio, a, clipLow, clipHigh);
            if (!Double.isFinite(surrogate.loss())) {
                throw new NonFiniteValueException("non-finite RLOO loss (" + surrogate.loss() + ") for completion "
                        + b + ": advantage " + a + ", sequence log-ratio " + logRatio, b);
            }
            loss += surrogate.loss() / B;
            for (int t = 0; t < mask[b].length; t++) {
                if (mask[b][t]) {
                    seeds.put(b, t, surrogate.seed() / B, advantages[b][t], tertiles[b][t]);
                    ratioSum += ratio;
                }
            }
            low += ratio < clipLow && a < 0 ? 1 : 0;
            high += ratio > clipHigh && a > 0 ? 1 : 0;
        }
        return new GroupLossResult(loss, kl / tokens, (double) low / B, (double) high / B, ratioSum / tokens,
                clipLow, clipHigh, seeds.build(tertiles));
    }

    /**
     * One term −min(ρ·Â, clip(ρ)·Â) and its derivative in log ρ: 0 where the clipped branch is strictly smaller
     * (a constant is the min), else −Â·ρ.
     */
    record Surrogate(double loss, double seed) {
        static Surrogate of(double ratio, double advantage, double low, double high) {
            double unclipped = ratio * advantage;
            double clipped = Math.min(Math.max(ratio, low), high) * advantage;
            boolean clippedActive = clipped < unclipped;
            double seed = clippedActive ? 0.0 : -unclipped;
            return new Surrogate(-Math.min(unclipped, clipped), seed == 0.0 ? 0.0 : seed);
        }
    }

    /** The seeds of one batch, whole and in parts. */
    private static final class Seeds {
        final double[][] total, positive, negative;
        final double[][][] byTertile;

        Seeds(boolean[][] mask) {
            int B = mask.length;
            total = new double[B][];
            positive = new double[B][];
            negative = new double[B][];
            byTertile = new double[3][B][];
            for (int b = 0; b < B; b++) {
                int W = mask[b].length;
                total[b] = new double[W];
                positive[b] = new double[W];
                negative[b] = new double[W];
                for (int k = 0; k < 3; k++) {
                    byTertile[k][b] = new double[W];
                }
            }
        }

        void put(int b, int t, double seed, double advantage, int tertile) {
            if (tertile < 0 || tertile > 2) {
                throw new IllegalArgumentException("response token at completion " + b + ", position " + t
                        + " has no |Â| tertile (got " + tertile + ")");
            }
            seed = seed == 0.0 ? 0.0 : seed;
            total[b][t] = seed;
            (advantage > 0 ? positive : negative)[b][t] = seed;
            byTertile[tertile][b][t] = seed;
        }

        PolicySeeds build(int[][] tertiles) {
            int[][] copy = new int[tertiles.length][];
            for (int b = 0; b < tertiles.length; b++) {
                copy[b] = tertiles[b].clone();
            }
            return new PolicySeeds(total, positive, negative, byTertile[0], byTertile[1], byTertile[2], copy);
        }
    }
}
