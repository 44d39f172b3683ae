package prefdyn.cli.run;

import prefdyn.cli.base.UserError;
import prefdyn.reference.dpo.DpoLossType;
import prefdyn.reference.dpo.DpoSettings;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * DPO's loss as a run records it; {@link #settings} makes the reference's {@link DpoSettings} of a variant.
 *
 * @param lossType       the per-pair loss, any {@link DpoLossType} by TRL's name (sigmoid, hinge, ipo, conservative,
 *                       robust, simpo, apo_zero, nca_pair, bpo)
 * @param beta           β, the strength of the implicit KL constraint (also recorded for PPO runs)
 * @param labelSmoothing ε ∈ [0, 0.5), the label-flip rate of the conservative (cDPO) and robust losses (TRL's
 *                       {@code label_smoothing}); 0 for every other loss
 * @param simpoGamma     γ ≥ 0, SimPO's target reward margin (TRL's {@code simpo_gamma} = 0.5); read only by simpo
 * @param bpoAlpha       α ∈ (0, 1], BPO's gap adaptor ({@code --bpo-alpha}, default
 *                       {@value DpoSettings#DEFAULT_BPO_ALPHA}); read only by bpo
 */
public record DpoLossSettings(DpoLossType lossType, double beta, double labelSmoothing, double simpoGamma,
                              double bpoAlpha) {

    public DpoLossSettings {
        Checks.positiveFinite("beta", beta);
        if (!(labelSmoothing >= 0 && labelSmoothing < 0.5)) {
            throw new UserError("--label-smoothing must be in [0, 0.5), got " + labelSmoothing);
        }
        if (labelSmoothing != 0 && !smoothed(lossType)) {
            throw new UserError("--label-smoothing applies to --loss-type conservative or robust only, got "
                    + labelSmoothing + " with " + lossType.trlName());
        }
        if (!(simpoGamma >= 0) || Double.isInfinite(simpoGamma)) {
            throw new UserError("--simpo-gamma must be finite and >= 0, got " + simpoGamma);
        }
        if (!(bpoAlpha > 0 && bpoAlpha <= 1)) {
            throw new UserError("--bpo-alpha must be in (0, 1], got " + bpoAlpha);
        }
    }

    /** A loss with BPO's default α. */
    public DpoLossSettings(DpoLossType lossType, double beta, double labelSmoothing, double simpoGamma) {
        this(lossType, beta, labelSmoothing, simpoGamma, DpoSettings.DEFAULT_BPO_ALPHA);
    }

    /** A loss without label smoothing, with SimPO's default γ. */
    public DpoLossSettings(DpoLossType lossType, double beta) {
        this(lossType, beta, 0.0);
    }

    /** A loss with label smoothing ε, with SimPO's default γ. */
    public DpoLossSettings(DpoLossType lossType, double beta, double labelSmoothing) {
        this(lossType, beta, labelSmoothing, DpoSettings.DEFAULT_SIMPO_GAMMA);
    }

    /** The sigmoid loss of the DPO paper at {@code beta}. */
    public static DpoLossSettings sigmoid(double beta) {
        return new DpoLossSettings(DpoLossType.SIGMOID, beta);
    }

    /**
     * The settings of the command line: {@code --loss-type} by TRL's name, and {@code --simpo-gamma} (null: not
     * given, TRL's 0.5), which applies to simpo only; each bad value is a one-line error.
     */
    public static DpoLossSettings fromOptions(String lossType, double beta, double labelSmoothing, Double simpoGamma) {
        return fromOptions(lossType, beta, labelSmoothing, simpoGamma, null);
    }

    /**
     * As above, with {@code --bpo-alpha} (null: not given, {@value DpoSettings#DEFAULT_BPO_ALPHA}), which applies to
     * bpo only.
     */
    public static DpoLossSettings fromOptions(String lossType, double beta, double labelSmoothing, Double simpoGamma,
                                              Double bpoAlpha) {
        DpoLossType type = parseLossType(lossType);
        if (bpoAlpha != null && type != DpoLossType.BPO) {
            throw new UserError("--bpo-alpha applies to --loss-type bpo only, got " + bpoAlpha + " with "
                    + type.trlName());
        }
        if (simpoGamma != null && type != DpoLossType.SIMPO) {
            throw new UserError("--simpo-gamma applies to --loss-type simpo only, got " + simpoGamma + " with "
                    + type.trlName());
        }
        return new DpoLossSettings(type, beta, labelSmoothing,
                simpoGamma == null ? DpoSettings.DEFAULT_SIMPO_GAMMA : simpoGamma,
                bpoAlpha == null ? DpoSettings.DEFAULT_BPO_ALPHA : bpoAlpha);
    }

    /** {@code --loss-type}: a {@link DpoLossType} by TRL's name, or a one-line error naming every choice. */
    public static DpoLossType parseLossType(String name) {
        try {
            return DpoLossType.parse(name);
        } catch (IllegalArgumentException e) {
            throw new UserError("unknown --loss-type '" + name + "'; expected one of " + names());
        }
    }

    /** TRL's names of every loss type, comma-separated. */
    public static String names() {
        return Arrays.stream(DpoLossType.values()).map(DpoLossType::trlName).collect(Collectors.joining(", "));
    }

    private static boolean smoothed(DpoLossType type) {
        return type == DpoLossType.CONSERVATIVE || type == DpoLossType.ROBUST;
    }

    /** The reference's settings of a DPO run of {@code variant} (a command-line name) over {@code steps} steps. */
    public DpoSettings settings(String variant, int steps) {
        return DpoSettings.of(beta, Objective.dpoVariant(variant), steps).withLossType(lossType, labelSmoothing)
                .withSimpoGamma(simpoGamma).withBpoAlpha(bpoAlpha);
    }

    /** Writes {@code loss_type}, {@code beta} and the loss's own field, if it has one, into a config.json object. */
    void put(Map<String, Object> json) {
        json.put("loss_type", lossType.trlName());
        json.put("beta", beta);
        if (smoothed(lossType)) {
            json.put("label_smoothing", labelSmoothing); // the other losses have none, and no field
        }
        if (lossType == DpoLossType.SIMPO) {
            json.put("simpo_gamma", simpoGamma);
        }
        if (lossType == DpoLossType.BPO) {
            json.put("bpo_alpha", bpoAlpha);
        }
    }

    /** Reads what {@link #put} wrote. */
    static DpoLossSettings fromConfig(Map<String, Object> json) {
        DpoLossType type;
        try {
            type = DpoLossType.parse(RunConfig.string(json, "loss_type"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("field \"loss_type\": " + e.getMessage(), e);
        }
        return new DpoLossSettings(type, RunConfig.number(json, "beta"),
                json.containsKey("label_smoothing") ? RunConfig.number(json, "label_smoothing") : 0,
                json.containsKey("simpo_gamma") ? RunConfig.number(json, "simpo_gamma")
                        : DpoSettings.DEFAULT_SIMPO_GAMMA,
                json.containsKey("bpo_alpha") ? RunConfig.number(json, "bpo_alpha") : DpoSettings.DEFAULT_BPO_ALPHA);
    }
}
