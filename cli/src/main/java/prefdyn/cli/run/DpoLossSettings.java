package prefdyn.cli.run;

import prefdyn.reference.dpo.DpoLossType;
import prefdyn.reference.dpo.DpoSettings;

/**
 * DPO's loss as a run records it; {@link #settings} makes the reference's {@link DpoSettings} of a variant.
 *
 * @param lossType the per-pair loss: sigmoid (DPO), hinge, ipo, conservative
 * @param beta     β, the strength of the implicit KL constraint (also recorded for PPO runs)
 */
public record DpoLossSettings(DpoLossType lossType, double beta) {

    public DpoLossSettings {
        Checks.positiveFinite("beta", beta);
    }

    /** The sigmoid loss of the DPO paper at {@code beta}. */
    public static DpoLossSettings sigmoid(double beta) {
        return new DpoLossSettings(DpoLossType.SIGMOID, beta);
    }

    /** The reference's settings of a DPO run of {@code variant} (a command-line name) over {@code steps} steps. */
    public DpoSettings settings(String variant, int steps) {
        return DpoSettings.of(beta, Objective.dpoVariant(variant), steps).withLossType(lossType, 0.0);
    }
}
