package prefdyn.reference.dpo;

import prefdyn.reference.model.NonFiniteValueException;
import prefdyn.reference.util.Stable;
import prefdyn.reference.util.Tertiles;

/**
 * The DPO family in one decomposition (paper §2.2; {@code docs/paper-map.md}, "Objectives"). For pair i with lr± =
 * lp(y±) − lp_ref(y±), Δ = lr⁺ − lr⁻ and h = β·Δ, every loss ℓ(Δ) has ∇ℓ = ∂ℓ/∂lp⁺·∇lp⁺ + ∂ℓ/∂lp⁻·∇lp⁻, which we write
 * as
 * <pre>
 *   ∂ℓ/∂lp⁺ = −β·ω·λ⁺      (positive learning: raise y⁺)
 *   ∂ℓ/∂lp⁻ = +β·ω·λ⁻      (negative learning: lower y⁻)
 * </pre>
 * so the gradient of L = mean_i ℓ_i equals that of the surrogate mean_i[β·ω_i·(−λ⁺_i·lp⁺_i + λ⁻_i·lp⁻_i)] with ω
 * held constant. Per loss type (λ⁺ = λ⁻ = 1 unless said):
 * <pre>
 *   SIGMOID       ℓ = softplus(−h)                          ω = σ(−h)
 *   HINGE         ℓ = max(0, 1 − h)                         ω = 1[h &lt; 1]
 *   CONSERVATIVE  ℓ = (1−ε)·softplus(−h) + ε·softplus(h)    ω = (1−ε)·σ(−h) − ε·σ(h)
 *   IPO           ℓ = (Δ̄ − 1/(2β))²,  Δ̄ = lr⁺/|y⁺| − lr⁻/|y⁻|   ω = −2(Δ̄ − 1/(2β))/β,  λ± = 1/|y±|
 *   ROBUST        ℓ = [(1−ε)·softplus(−h) − ε·softplus(h)]/(1−2ε)   ω = [(1−ε)·σ(−h) + ε·σ(h)]/(1−2ε)
 *   SIMPO         h = β·(lp⁺/|y⁺| − lp⁻/|y⁻|) − γ (no reference), ℓ = softplus(−h)   ω = σ(−h),  λ± = 1/|y±|
 * </pre>
 * Two losses are sums of a y⁺ term and a y⁻ term rather than functions of one margin; with c = β·lr⁺, r = β·lr⁻,
 * ∂ℓ/∂lp⁺ = −β·w⁺ and ∂ℓ/∂lp⁻ = +β·w⁻:
 * <pre>
 *   APO_ZERO      ℓ = 1 − σ(c) + σ(r)                           w⁺ = σ(c)·σ(−c),       w⁻ = σ(r)·σ(−r)
 *   NCA_PAIR      ℓ = softplus(−c) + ½·softplus(c) + ½·softplus(r)   w⁺ = σ(−c) − ½·σ(c),  w⁻ = ½·σ(r)
 * </pre>
 * BPO (Sun et al. 2506.03557) replaces the margin by the balanced margin, with c, r as above and gap adaptor α:
 * <pre>
 *   BPO           h = min(c, −α·r),  ℓ = softplus(−h)            ω = σ(−h),
 *                 c ≤ −α·r: λ⁺ = 1, λ⁻ = 0 (only y⁺ is raised);  c &gt; −α·r: λ⁺ = 0, λ⁻ = α (only y⁻ is lowered)
 * </pre>
 * (∂ℓ/∂lp⁻ = σ(−h)·α·β on the second branch). So each BPO pair is pure positive or pure negative learning, and
 * ∇L = ∇L⁺ + ∇L⁻ splits the batch by branch. At the kink c = −α·r prefdyn takes the y⁺ branch (a one-sided
 * derivative; {@code torch.minimum} would give each side half there); ties have measure zero.
 * For APO_ZERO and NCA_PAIR prefdyn takes the pair's weight as ω = (|w⁺| + |w⁻|)/2 and λ± = w±/ω (λ± = 1 when
 * ω = 0), so ω ≥ 0 ranks the pairs by how hard they push (the ω tertiles) and λ± keep each side's share; NCA's λ⁺ turns negative
 * once σ(−c) &lt; ½·σ(c) (y⁺ is then pushed down toward NCA's finite optimum). This is a choice, not the papers'.
 * A {@link DpoVariant} then replaces ω by a constant (UNWEIGHTED) or multiplies λ⁺, λ⁻ by its weights.
 */
public final class DpoLoss {

    private DpoLoss() {
    }

    /**
     * @param step            the training step (for the schedules, and named in errors)
     * @param chosen          [P] lp(y⁺_i | x_i) of the policy
     * @param rejected        [P] lp(y⁻_i | x_i) of the policy
     * @param referenceChosen [P] lp_ref(y⁺_i | x_i)
     * @param referenceRejected [P] lp_ref(y⁻_i | x_i)
     * @param chosenLengths   [P] |y⁺_i| in tokens (used by IPO)
     * @param rejectedLengths [P] |y⁻_i| in tokens (used by IPO)
     * @throws NonFiniteValueException naming the step and the pair if a log-prob or margin is not finite
     */
    public static DpoTerms compute(DpoSettings settings, long step, double[] chosen, double[] rejected,
                                   double[] referenceChosen, double[] referenceRejected, int[] chosenLengths,
                                   int[] rejectedLengths) {
        int pairs = chosen.length;
        if (rejected.length != pairs || referenceChosen.length != pairs || referenceRejected.length != pairs
                || chosenLengths.length != pairs || rejectedLengths.length != pairs) {
            throw new IllegalArgumentException("all per-pair arrays must have " + pairs + " entries");
        }
        double beta = settings.beta();
        double epsilon = settings.labelSmoothing();
        double[] pairLosses = new double[pairs];
        double[] margins = new double[pairs];
        double[] omega = new double[pairs];
        double[] lambdaPositive = new double[pairs];
        double[] lambdaNegative = new double[pairs];
        double[] chosenCoefficient = new double[pairs];
        double[] rejectedCoefficient = new double[pairs];
        double[] chosenRewards = new double[pairs];
        double[] rejectedRewards = new double[pairs];
        double loss = 0;
        for (int i = 0; i < pairs; i++) {
            boolean referenceFree = settings.lossType() == DpoLossType.SIMPO;
            double chosenRatio = referenceFree ? chosen[i] / chosenLengths[i] : chosen[i] - referenceChosen[i];
            double rejectedRatio = referenceFree ? rejected[i] / rejectedLengths[i]
                    : rejected[i] - referenceRejected[i];
            double h = settings.lossType() == DpoLossType.BPO
                    ? balancedMargin(beta * chosenRatio, beta * rejectedRatio, settings.bpoAlpha())
                    : beta * (chosenRatio - rejectedRatio) - (referenceFree ? settings.simpoGamma() : 0.0);
            if (!Double.isFinite(h)) {
                throw new NonFiniteValueException("non-finite DPO margin at step " + step + ", pair " + i
                        + " (lp+ " + chosen[i] + ", lp- " + rejected[i] + ", ref+ " + referenceChosen[i]
                        + ", ref- " + referenceRejected[i] + ")", i);
            }
            PairLoss pair = pairLoss(settings.lossType(), h, beta, epsilon, chosenRatio, rejectedRatio,
                    chosenLengths[i], rejectedLengths[i], settings.bpoAlpha());
            pairLosses[i] = pair.loss();
            omega[i] = switch (settings.variant()) {
                case UNWEIGHTED -> settings.unweightedOmega();
                case STANDARD, POSITIVE_ONLY, NEGATIVE_ONLY, CONTROLLED, HARD_SWITCH, COORDINATED -> pair.omega();
            };
            double lengthScalePositive = pair.lengthScalePositive();
            double lengthScaleNegative = pair.lengthScaleNegative();
            lambdaPositive[i] = lengthScalePositive * settings.positiveWeight(step);
            lambdaNegative[i] = lengthScaleNegative * settings.negativeWeight(step);
            chosenCoefficient[i] = -beta * omega[i] * lambdaPositive[i] / pairs;
            rejectedCoefficient[i] = beta * omega[i] * lambdaNegative[i] / pairs;
            margins[i] = h;
            chosenRewards[i] = beta * chosenRatio;
            rejectedRewards[i] = beta * rejectedRatio;
            loss += pairLosses[i];
        }
        return new DpoTerms(loss / pairs, pairLosses, margins, omega, lambdaPositive, lambdaNegative,
                chosenCoefficient, rejectedCoefficient, chosenRewards, rejectedRewards, Tertiles.assign(omega));
    }

    /**
     * One pair's ℓ, ω and length scales λ±/(variant weight) for a loss type: the table in the class comment, as a
     * switch expression, so a loss type without its math does not compile.
     *
     * @param h             β·Δ, the pair's margin
     * @param chosenRatio   lr⁺ = lp(y⁺) − lp_ref(y⁺) (SimPO: lp(y⁺)/|y⁺|)
     * @param rejectedRatio lr⁻ = lp(y⁻) − lp_ref(y⁻) (SimPO: lp(y⁻)/|y⁻|)
     * @param bpoAlpha      α, BPO's gap adaptor (read only by BPO)
     */
    static PairLoss pairLoss(DpoLossType type, double h, double beta, double epsilon, double chosenRatio,
                             double rejectedRatio, int chosenLength, int rejectedLength, double bpoAlpha) {
        return switch (type) {
            case SIGMOID -> new PairLoss(Stable.softplus(-h), Stable.sigmoid(-h), 1.0, 1.0);
            case HINGE -> new PairLoss(Math.max(0.0, 1.0 - h), h < 1.0 ? 1.0 : 0.0, 1.0, 1.0);
            case CONSERVATIVE -> new PairLoss((1 - epsilon) * Stable.softplus(-h) + epsilon * Stable.softplus(h),
                    (1 - epsilon) * Stable.sigmoid(-h) - epsilon * Stable.sigmoid(h), 1.0, 1.0);
            case IPO -> {
                double normalisedMargin = chosenRatio / chosenLength - rejectedRatio / rejectedLength;
                double gap = normalisedMargin - 1.0 / (2.0 * beta);
                yield new PairLoss(gap * gap, -2.0 * gap / beta, 1.0 / chosenLength, 1.0 / rejectedLength);
            }
            case ROBUST -> new PairLoss(((1 - epsilon) * Stable.softplus(-h) - epsilon * Stable.softplus(h))
                    / (1 - 2 * epsilon), ((1 - epsilon) * Stable.sigmoid(-h) + epsilon * Stable.sigmoid(h))
                    / (1 - 2 * epsilon), 1.0, 1.0);
            case SIMPO -> new PairLoss(Stable.softplus(-h), Stable.sigmoid(-h), 1.0 / chosenLength,
                    1.0 / rejectedLength);
            case APO_ZERO -> {
                double c = beta * chosenRatio;
                double r = beta * rejectedRatio;
                yield separable(1 - Stable.sigmoid(c) + Stable.sigmoid(r), Stable.sigmoid(c) * Stable.sigmoid(-c),
                        Stable.sigmoid(r) * Stable.sigmoid(-r));
            }
            case NCA_PAIR -> {
                double c = beta * chosenRatio;
                double r = beta * rejectedRatio;
                yield separable(Stable.softplus(-c) + 0.5 * Stable.softplus(c) + 0.5 * Stable.softplus(r),
                        Stable.sigmoid(-c) - 0.5 * Stable.sigmoid(c), 0.5 * Stable.sigmoid(r));
            }
            case BPO -> {
                boolean chosenBranch = beta * chosenRatio <= -bpoAlpha * (beta * rejectedRatio);
                yield new PairLoss(Stable.softplus(-h), Stable.sigmoid(-h), chosenBranch ? 1.0 : 0.0,
                        chosenBranch ? 0.0 : bpoAlpha);
            }
        };
    }

    /** BPO's balanced margin min(c, −α·r), c = β·lr⁺, r = β·lr⁻ (class comment); the y⁺ branch at a tie. */
    static double balancedMargin(double chosenReward, double rejectedReward, double alpha) {
        double rejectedSide = -alpha * rejectedReward;
        return chosenReward <= rejectedSide ? chosenReward : rejectedSide;
    }

    /** ℓ with ∂ℓ/∂lp⁺ = −β·w⁺ and ∂ℓ/∂lp⁻ = +β·w⁻ as (ω, λ±): ω = (|w⁺| + |w⁻|)/2, λ± = w±/ω (class comment). */
    private static PairLoss separable(double loss, double chosenWeight, double rejectedWeight) {
        double omega = 0.5 * (Math.abs(chosenWeight) + Math.abs(rejectedWeight));
        return omega == 0 ? new PairLoss(loss, 0.0, 1.0, 1.0)
                : new PairLoss(loss, omega, chosenWeight / omega, rejectedWeight / omega);
    }

    /** ℓ_i, ω_i and the per-loss length scales of λ⁺_i, λ⁻_i (1 except for IPO's 1/|y±|). */
    record PairLoss(double loss, double omega, double lengthScalePositive, double lengthScaleNegative) {
    }
}
