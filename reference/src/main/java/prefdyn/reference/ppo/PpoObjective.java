package prefdyn.reference.ppo;

import java.util.Objects;

/**
 * Which PPO surrogate to train: a {@link PpoVariant} plus its parameters.
 *
 * <p><b>General form.</b> Every variant trains the standard clipped surrogate (see {@link PpoLoss}) with the
 * advantages replaced by Â'_t = w_t·Â_t, w_t ≥ 0:
 * <pre>
 *   w_t = g(sign Â_t) · h(tertile_t) · u_t
 *   STANDARD        g ≡ 1,                       h ≡ 1,            u ≡ 1
 *   POSITIVE_ONLY   g(+) = 1, g(−) = 0
 *   NEGATIVE_ONLY   g(+) = 0, g(−) = 1
 *   CONTROLLED      g(+) = λ⁺(step), g(−) = λ⁻(step)
 *   SINGLE_TERTILE  h(k) = 1{k = chosen tertile}
 *   UNWEIGHTED      u_t = mean|Â| / |Â_t|   (so Â'_t = sign(Â_t)·mean|Â|; u = 0 where Â_t = 0)
 * </pre>
 * Since w_t ≥ 0 leaves sign(Â_t) unchanged, whether clipping is active at a token does not change, and the
 * clipped surrogate is positively homogeneous in Â: ℓ_t(w·Â) = w·ℓ_t(Â). Hence the variant's seeds are
 * w_t·(standard seeds) and its loss is mean_t w_t·ℓ_t. {@link #advantages} computes Â' directly (what the trainer
 * uses); {@link #tokenWeights} computes w (the general form); tests check that they agree.
 *
 * <p>The sign groups, tertiles and mean|Â| are taken over the whole rollout batch (the trainer computes them
 * once per step, before the minibatches), so a token's treatment does not depend on the minibatch it lands in.
 *
 * @param variant  the ablation
 * @param schedule λ⁺/λ⁻ over training, used by {@link PpoVariant#CONTROLLED} (never null; ignored otherwise)
 * @param tertile  the tertile kept by {@link PpoVariant#SINGLE_TERTILE} (never null; ignored otherwise)
 */
public record PpoObjective(PpoVariant variant, ControlSchedule schedule, Tertile tertile) {

    public PpoObjective {
        Objects.requireNonNull(variant, "variant");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(tertile, "tertile");
    }

    public static PpoObjective standard() {
        return of(PpoVariant.STANDARD);
    }

    public static PpoObjective positiveOnly() {
        return of(PpoVariant.POSITIVE_ONLY);
    }

    public static PpoObjective negativeOnly() {
        return of(PpoVariant.NEGATIVE_ONLY);
    }

    public static PpoObjective unweighted() {
        return of(PpoVariant.UNWEIGHTED);
    }

    public static PpoObjective controlled(ControlSchedule schedule) {
        return new PpoObjective(PpoVariant.CONTROLLED, schedule, Tertile.TOP);
    }

    public static PpoObjective singleTertile(Tertile tertile) {
        return new PpoObjective(PpoVariant.SINGLE_TERTILE, ControlSchedule.defaults(), tertile);
    }

    private static PpoObjective of(PpoVariant variant) {
        return new PpoObjective(variant, ControlSchedule.defaults(), Tertile.TOP);
    }

    /** g(+) at this step: the weight on positive-advantage tokens (before the tertile and |Â| factors). */
    public double positiveWeight(long step, long totalSteps) {
        return switch (variant) {
            case STANDARD, POSITIVE_ONLY, UNWEIGHTED, SINGLE_TERTILE -> 1.0;
            case NEGATIVE_ONLY -> 0.0;
            case CONTROLLED -> schedule.positiveWeight(step, totalSteps);
        };
    }

    /** g(−) at this step: the weight on negative-advantage tokens. */
    public double negativeWeight(long step, long totalSteps) {
        return switch (variant) {
            case STANDARD, NEGATIVE_ONLY, UNWEIGHTED, SINGLE_TERTILE -> 1.0;
            case POSITIVE_ONLY -> 0.0;
            case CONTROLLED -> schedule.negativeWeight(step, totalSteps);
        };
    }

    /**
     * Â' for this variant, computed the way the variant is described ("zero the negative tokens", "replace Â by
     * sign(Â)·mean|Â|", …).
     *
     * @param advantages [B][W] whitened Â of the rollout batch
     * @param mask       [B][W] response tokens
     * @param tertiles   [B][W] |Â| tertiles of the rollout batch ({@link AdvantageTertiles#assign})
     * @return [B][W] Â' on response tokens, 0 elsewhere
     */
    public double[][] advantages(double[][] advantages, boolean[][] mask, int[][] tertiles, long step,
                                 long totalSteps) {
        double meanAbs = switch (variant) {
            case UNWEIGHTED -> meanAbsolute(advantages, mask);
            case STANDARD, POSITIVE_ONLY, NEGATIVE_ONLY, CONTROLLED, SINGLE_TERTILE -> Double.NaN;
        };
        double positive = positiveWeight(step, totalSteps);
        double negative = negativeWeight(step, totalSteps);
        double[][] result = new double[mask.length][];
        for (int b = 0; b < mask.length; b++) {
            result[b] = new double[mask[b].length];
            for (int t = 0; t < mask[b].length; t++) {
                if (!mask[b][t]) {
                    continue;
                }
                double a = advantages[b][t];
                result[b][t] = switch (variant) {
                    case STANDARD -> a;
                    case POSITIVE_ONLY -> a > 0 ? a : 0.0;
                    case NEGATIVE_ONLY -> a < 0 ? a : 0.0;
                    case UNWEIGHTED -> Math.signum(a) * meanAbs;
                    case CONTROLLED -> a > 0 ? positive * a : a < 0 ? negative * a : 0.0;
                    case SINGLE_TERTILE -> tertiles[b][t] == tertile.index() ? a : 0.0;
                };
            }
        }
        return result;
    }

    /**
     * w_t of the general form (class comment), so that this variant's seeds equal w ⊙ (standard seeds).
     *
     * @param advantages [B][W] whitened Â of the rollout batch
     * @param mask       [B][W] response tokens
     * @param tertiles   [B][W] |Â| tertiles of the rollout batch
     * @return [B][W] w_t ≥ 0 on response tokens, 0 elsewhere
     */
    public double[][] tokenWeights(double[][] advantages, boolean[][] mask, int[][] tertiles, long step,
                                   long totalSteps) {
        double meanAbs = meanAbsolute(advantages, mask);
        double positive = positiveWeight(step, totalSteps);
        double negative = negativeWeight(step, totalSteps);
        double[][] weights = new double[mask.length][];
        for (int b = 0; b < mask.length; b++) {
            weights[b] = new double[mask[b].length];
            for (int t = 0; t < mask[b].length; t++) {
                if (!mask[b][t]) {
                    continue;
                }
                double a = advantages[b][t];
                double g = a > 0 ? positive : a < 0 ? negative : 0.0;
                double h = switch (variant) {
                    case SINGLE_TERTILE -> tertiles[b][t] == tertile.index() ? 1.0 : 0.0;
                    case STANDARD, POSITIVE_ONLY, NEGATIVE_ONLY, UNWEIGHTED, CONTROLLED -> 1.0;
                };
                double u = switch (variant) {
                    case UNWEIGHTED -> a == 0 ? 0.0 : meanAbs / Math.abs(a);
                    case STANDARD, POSITIVE_ONLY, NEGATIVE_ONLY, CONTROLLED, SINGLE_TERTILE -> 1.0;
                };
                weights[b][t] = g * h * u;
            }
        }
        return weights;
    }

    /** mean|Â| over the response tokens: {@code advantages} [B][W] on {@code mask} [B][W]. */
    static double meanAbsolute(double[][] advantages, boolean[][] mask) {
        double sum = 0;
        int n = 0;
        for (int b = 0; b < mask.length; b++) {
            for (int t = 0; t < mask[b].length; t++) {
                if (mask[b][t]) {
                    sum += Math.abs(advantages[b][t]);
                    n++;
                }
            }
        }
        if (n == 0) {
            throw new IllegalArgumentException("mean|Â| needs at least one response token");
        }
        return sum / n;
    }

    @Override
    public String toString() {
        return switch (variant) {
            case CONTROLLED -> "CONTROLLED" + schedule;
            case SINGLE_TERTILE -> "SINGLE_TERTILE(" + tertile + ")";
            case STANDARD, POSITIVE_ONLY, NEGATIVE_ONLY, UNWEIGHTED -> variant.name();
        };
    }
}
