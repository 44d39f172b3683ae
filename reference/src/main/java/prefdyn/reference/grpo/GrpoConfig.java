package prefdyn.reference.grpo;

import java.util.Objects;

/**
 * GRPO's settings, TRL's names and defaults ({@code GRPOConfig}; {@code docs/paper-map.md}, "GRPO").
 *
 * @param group        the settings GRPO shares with RLOO ({@link GroupSettings#grpoDefaults()}: G = 8)
 * @param beta         β ≥ 0, the coefficient of the k3 KL term in the loss ({@code beta} = 0.0; 0 drops the term)
 * @param scaleRewards how the centred rewards are scaled ({@code scale_rewards} = "group")
 * @param lossType     the aggregation ({@code loss_type} = "dapo")
 */
public record GrpoConfig(GroupSettings group, double beta, ScaleRewards scaleRewards, GrpoLossType lossType) {

    public GrpoConfig {
        Objects.requireNonNull(group, "group");
        if (!(beta >= 0) || Double.isInfinite(beta)) {
            throw new IllegalArgumentException("beta (the KL coefficient) must be finite and >= 0, got " + beta);
        }
        Objects.requireNonNull(scaleRewards, "scaleRewards");
        Objects.requireNonNull(lossType, "lossType");
    }

    /** TRL's defaults. */
    public static GrpoConfig defaults() {
        return of(GroupSettings.grpoDefaults().build());
    }

    /** TRL's GRPO-specific defaults (β 0, group scaling, dapo) on given shared settings. */
    public static GrpoConfig of(GroupSettings group) {
        return new GrpoConfig(group, 0.0, ScaleRewards.GROUP, GrpoLossType.DAPO);
    }

    public GrpoConfig withBeta(double value) {
        return new GrpoConfig(group, value, scaleRewards, lossType);
    }

    public GrpoConfig withScaleRewards(ScaleRewards value) {
        return new GrpoConfig(group, beta, value, lossType);
    }

    public GrpoConfig withLossType(GrpoLossType value) {
        return new GrpoConfig(group, beta, scaleRewards, value);
    }

    /** TRL's string for the loss type ("grpo", "dr_grpo", "dapo"), parsed; any other value is a one-line error. */
    public static GrpoLossType parseLossType(String name) {
        for (GrpoLossType type : GrpoLossType.values()) {
            if (type.name().equalsIgnoreCase(name.replace('-', '_'))) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown GRPO loss_type '" + name + "' (expected grpo, dr_grpo or dapo)");
    }
}
