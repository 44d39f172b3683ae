package prefdyn.cli.run;

import prefdyn.cli.base.UserError;
import prefdyn.reference.dpo.DpoLossType;
import prefdyn.reference.dpo.DpoSettings;

import java.util.Locale;

/**
 * DPO's loss as a run records it; {@link #settings} makes the reference's {@link DpoSettings} of a variant.
 *
 * @param lossType       the per-pair loss: sigmoid (DPO), hinge, ipo, conservative
 * @param beta           β, the strength of the implicit KL constraint (also recorded for PPO runs)
 * @param labelSmoothing ε ∈ [0, 0.5), the conservative loss's probability that a label is flipped (cDPO;
 *                       TRL's {@code label_smoothing}); 0 for every other loss
 */
public record DpoLossSettings(DpoLossType lossType, double beta, double labelSmoothing) {

    public DpoLossSettings {
        Checks.positiveFinite("beta", beta);
        if (!(labelSmoothing >= 0 && labelSmoothing < 0.5)) {
            throw new UserError("--label-smoothing must be in [0, 0.5), got " + labelSmoothing);
        }
        if (labelSmoothing != 0 && lossType != DpoLossType.CONSERVATIVE) {
            throw new UserError("--label-smoothing applies to --loss-type conservative only, got " + labelSmoothing
                    + " with " + lossType.name().toLowerCase(Locale.ROOT));
        }
    }

    /** A loss without label smoothing. */
    public DpoLossSettings(DpoLossType lossType, double beta) {
        this(lossType, beta, 0.0);
    }

    /** The sigmoid loss of the DPO paper at {@code beta}. */
    public static DpoLossSettings sigmoid(double beta) {
        return new DpoLossSettings(DpoLossType.SIGMOID, beta);
    }

    /** The reference's settings of a DPO run of {@code variant} (a command-line name) over {@code steps} steps. */
    public DpoSettings settings(String variant, int steps) {
        return DpoSettings.of(beta, Objective.dpoVariant(variant), steps).withLossType(lossType, labelSmoothing);
    }
}
