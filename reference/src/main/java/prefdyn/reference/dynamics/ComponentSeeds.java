package prefdyn.reference.dynamics;

import prefdyn.reference.engine.BackwardSeeds;

import java.util.Map;

/**
 * The seeds of one training step's objective and of its parts, all for the same forward of the step's batch
 * D_t at θ(t) (paper §3; {@code docs/paper-map.md}, "Optimization dynamics"). Linearity of backward makes ∇L(total) =
 * ∇L(positive) + ∇L(negative) = Σ_k ∇L(tertile k).
 *
 * @param total      seeds of the whole objective L
 * @param positive   seeds of positive learning (DPO: the y⁺ terms; PPO: tokens with Â &gt; 0)
 * @param negative   seeds of negative learning (DPO: the y⁻ terms; PPO: tokens with Â &lt; 0)
 * @param tertiles   [3] seeds of the bottom, middle and top reweighting group (DPO: ω tertiles of pairs; PPO:
 *                   |Â| tertiles of tokens)
 * @param statistics scalar facts about the batch worth logging beside G (e.g. mean ω, lp⁺, lp⁻)
 */
public record ComponentSeeds(BackwardSeeds total, BackwardSeeds positive, BackwardSeeds negative,
                             BackwardSeeds[] tertiles, Map<String, Double> statistics) {

    public ComponentSeeds {
        if (tertiles.length != 3) {
            throw new IllegalArgumentException("expected 3 tertile seeds, got " + tertiles.length);
        }
    }

    /**
     * Checks the identity that {@link GradientAlignment.ComponentPasses#BY_LINEARITY} relies on, as seeds: for every
     * entry of each seed array (token log-probs, values, rewards; a null array counts as zeros),
     * <pre>
     *   total = positive + negative = bottom + middle + top.
     * </pre>
     * The DPO and PPO decompositions put each entry's seed in exactly one part and +0.0 in the others, so the sums
     * are exact there; a sum may differ from the total by at most 1e-12 of its addends' magnitudes (rounding). A term
     * seeded only in the total (say a value loss or a KL term that belongs to no part) fails the check.
     *
     * @throws IllegalArgumentException naming the first entry where the parts do not add up to the total
     */
    public void requireComponentsSumToTotal() {
        requireSum("token log-prob", total.tokenLogProbs(),
                new double[][][] {positive.tokenLogProbs(), negative.tokenLogProbs()}, "positive + negative");
        requireSum("value", total.values(), new double[][][] {positive.values(), negative.values()},
                "positive + negative");
        requireSum("reward", total.rewards(), new double[][][] {positive.rewards(), negative.rewards()},
                "positive + negative");
        requireSum("token log-prob", total.tokenLogProbs(), new double[][][] {tertiles[0].tokenLogProbs(),
                tertiles[1].tokenLogProbs(), tertiles[2].tokenLogProbs()}, "bottom + middle + top");
        requireSum("value", total.values(), new double[][][] {tertiles[0].values(), tertiles[1].values(),
                tertiles[2].values()}, "bottom + middle + top");
        requireSum("reward", total.rewards(), new double[][][] {tertiles[0].rewards(), tertiles[1].rewards(),
                tertiles[2].rewards()}, "bottom + middle + top");
    }

    /**
     * @param total [B][W] the total's seeds, or null (zeros)
     * @param parts [K][B][W] the parts' seeds, each possibly null (zeros)
     */
    private static void requireSum(String kind, double[][] total, double[][][] parts, String partNames) {
        int rows = total == null ? 0 : total.length;
        for (double[][] part : parts) {
            rows = Math.max(rows, part == null ? 0 : part.length);
        }
        for (int b = 0; b < rows; b++) {
            int width = row(total, b, kind, partNames).length;
            for (double[][] part : parts) {
                width = Math.max(width, row(part, b, kind, partNames).length);
            }
            for (int t = 0; t < width; t++) {
                double expected = entry(total, b, t, kind, partNames);
                double sum = 0;
                double magnitude = 0;
                for (double[][] part : parts) {
                    double value = entry(part, b, t, kind, partNames);
                    sum += value;
                    magnitude += Math.abs(value);
                }
                if (!(Math.abs(sum - expected) <= 1e-12 * magnitude)) {
                    throw new IllegalArgumentException("the " + kind + " seeds of the parts do not add up to the "
                            + "total at sequence " + b + ", position " + t + ": " + partNames + " = " + sum
                            + ", total = " + expected + " (G by linearity needs every term of the objective in "
                            + "exactly one part)");
                }
            }
        }
    }

    private static double[] row(double[][] seeds, int b, String kind, String partNames) {
        if (seeds == null) {
            return new double[0];
        }
        if (b >= seeds.length) {
            throw new IllegalArgumentException("the " + kind + " seeds of " + partNames + " and of the total have "
                    + "different numbers of sequences");
        }
        return seeds[b];
    }

    private static double entry(double[][] seeds, int b, int t, String kind, String partNames) {
        if (seeds == null) {
            return 0.0;
        }
        if (t >= seeds[b].length) {
            throw new IllegalArgumentException("the " + kind + " seeds of " + partNames + " and of the total have "
                    + "different widths at sequence " + b);
        }
        return seeds[b][t];
    }
}
