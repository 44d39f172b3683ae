package prefdyn.reference.dpo;

/**
 * Everything that defines a DPO-family objective.
 *
 * @param beta             β &gt; 0, the strength of the implicit KL constraint (TRL default 0.1)
 * @param lossType         the per-pair loss
 * @param labelSmoothing   ε ∈ [0, 0.5) for {@link DpoLossType#CONSERVATIVE} and {@link DpoLossType#ROBUST}
 *                         (TRL's {@code label_smoothing}); must be 0 for the others
 * @param variant          the ablation of (ω, λ⁺, λ⁻)
 * @param unweightedOmega  the constant ω of {@link DpoVariant#UNWEIGHTED} (default ½)
 * @param schedule         the λ schedule of {@link DpoVariant#CONTROLLED}; null for the other variants
 * @param switchFraction   for {@link DpoVariant#HARD_SWITCH}: steps below switchFraction·totalSteps are
 *                         positive-only, the rest negative-only
 * @param totalSteps       the planned number of training steps (used by the schedules)
 * @param simpoGamma       γ ≥ 0, SimPO's target reward margin ({@code CPOConfig.simpo_gamma} = 0.5); read only by
 *                         {@link DpoLossType#SIMPO}
 * @param bpoAlpha         α ∈ (0, 1], BPO's gap adaptor (Sun et al. 2506.03557: the balanced margin min(r⁺, −α·r⁻));
 *                         read only by {@link DpoLossType#BPO} (default {@value #DEFAULT_BPO_ALPHA}, the authors'
 *                         setting in their comparison across losses)
 */
public record DpoSettings(double beta, DpoLossType lossType, double labelSmoothing, DpoVariant variant,
                          double unweightedOmega, LambdaSchedule schedule, double switchFraction, int totalSteps,
                          double simpoGamma, double bpoAlpha) {

    /** SimPO's default target margin γ (TRL's {@code simpo_gamma}). */
    public static final double DEFAULT_SIMPO_GAMMA = 0.5;

    /** BPO's gap adaptor α of the authors' comparison across losses (their README, "gap adaptor is set to 0.3"). */
    public static final double DEFAULT_BPO_ALPHA = 0.3;

    public DpoSettings {
        if (!(beta > 0) || Double.isInfinite(beta)) {
            throw new IllegalArgumentException("beta must be positive and finite, got " + beta);
        }
        if (lossType == null || variant == null) {
            throw new IllegalArgumentException("lossType and variant are required");
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 0.5)) {
            throw new IllegalArgumentException("labelSmoothing must be in [0, 0.5), got " + labelSmoothing);
        }
        if (labelSmoothing != 0 && lossType != DpoLossType.CONSERVATIVE && lossType != DpoLossType.ROBUST) {
            throw new IllegalArgumentException("labelSmoothing only applies to the CONSERVATIVE and ROBUST losses, got "
                    + labelSmoothing + " with " + lossType);
        }
        if (!(simpoGamma >= 0) || Double.isInfinite(simpoGamma)) {
            throw new IllegalArgumentException("simpoGamma (SimPO's target margin γ) must be finite and >= 0, got "
                    + simpoGamma);
        }
        if (!(bpoAlpha > 0 && bpoAlpha <= 1)) {
            throw new IllegalArgumentException("bpoAlpha (BPO's gap adaptor α) must be in (0, 1], got " + bpoAlpha);
        }
        if (!Double.isFinite(unweightedOmega)) {
            throw new IllegalArgumentException("unweightedOmega must be finite, got " + unweightedOmega);
        }
        if (variant == DpoVariant.CONTROLLED && schedule == null) {
            throw new IllegalArgumentException("the CONTROLLED variant needs a LambdaSchedule");
        }
        if (!(switchFraction >= 0 && switchFraction <= 1)) {
            throw new IllegalArgumentException("switchFraction must be in [0, 1], got " + switchFraction);
        }
        if (totalSteps < 1) {
            throw new IllegalArgumentException("totalSteps must be at least 1, got " + totalSteps);
        }
    }

    /** Standard DPO with β and the defaults of every other field. */
    public static DpoSettings standard(double beta, int totalSteps) {
        return of(beta, DpoVariant.STANDARD, totalSteps);
    }

    /** The sigmoid loss with one of the paper's variants and prefdyn's defaults (ω ≡ ½, λ 1.5↔0.5, switch at ½). */
    public static DpoSettings of(double beta, DpoVariant variant, int totalSteps) {
        return new DpoSettings(beta, DpoLossType.SIGMOID, 0.0, variant, 0.5,
                variant == DpoVariant.CONTROLLED ? LambdaSchedule.defaultControlled(totalSteps) : null, 0.5,
                totalSteps, DEFAULT_SIMPO_GAMMA, DEFAULT_BPO_ALPHA);
    }

    public DpoSettings withLossType(DpoLossType type, double smoothing) {
        return new DpoSettings(beta, type, smoothing, variant, unweightedOmega, schedule, switchFraction, totalSteps,
                simpoGamma, bpoAlpha);
    }

    /** The same settings with SimPO's target margin γ. */
    public DpoSettings withSimpoGamma(double gamma) {
        return new DpoSettings(beta, lossType, labelSmoothing, variant, unweightedOmega, schedule, switchFraction,
                totalSteps, gamma, bpoAlpha);
    }

    /** The same settings with BPO's gap adaptor α. */
    public DpoSettings withBpoAlpha(double alpha) {
        return new DpoSettings(beta, lossType, labelSmoothing, variant, unweightedOmega, schedule, switchFraction,
                totalSteps, simpoGamma, alpha);
    }

    /**
     * λ⁺ of the variant at a step (before any per-loss length scaling). {@link DpoVariant#COORDINATED} reports
     * unit weights here; its trainer scales the two components by the controller's λ± afterwards.
     */
    public double positiveWeight(long step) {
        return switch (variant) {
            case STANDARD, UNWEIGHTED, POSITIVE_ONLY, COORDINATED -> 1.0;
            case NEGATIVE_ONLY -> 0.0;
            case CONTROLLED -> schedule.positive(step);
            case HARD_SWITCH -> step < switchFraction * totalSteps ? 1.0 : 0.0;
        };
    }

    /** λ⁻ of the variant at a step (before any per-loss length scaling). */
    public double negativeWeight(long step) {
        return switch (variant) {
            case STANDARD, UNWEIGHTED, NEGATIVE_ONLY, COORDINATED -> 1.0;
            case POSITIVE_ONLY -> 0.0;
            case CONTROLLED -> schedule.negative(step);
            case HARD_SWITCH -> step < switchFraction * totalSteps ? 0.0 : 1.0;
        };
    }
}
