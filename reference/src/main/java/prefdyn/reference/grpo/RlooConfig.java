package prefdyn.reference.grpo;

import java.util.Objects;

/**
 * RLOO's settings, TRL's names and defaults ({@code RLOOConfig}; {@code docs/paper-map.md}, "RLOO").
 *
 * @param group               the shared settings ({@link GroupSettings#rlooDefaults()}: G = 2)
 * @param beta                β ≥ 0, the coefficient of the sequence KL Σ_t k1 subtracted from the score
 *                            ({@code beta} = 0.05)
 * @param normalizeAdvantages whiten the leave-one-out advantages over the batch ({@code normalize_advantages} = false)
 */
public record RlooConfig(GroupSettings group, double beta, boolean normalizeAdvantages) {

    public RlooConfig {
        Objects.requireNonNull(group, "group");
        if (!(beta >= 0) || Double.isInfinite(beta)) {
            throw new IllegalArgumentException("beta (the KL coefficient) must be finite and >= 0, got " + beta);
        }
    }

    /** TRL's defaults. */
    public static RlooConfig defaults() {
        return of(GroupSettings.rlooDefaults().build());
    }

    /** TRL's RLOO-specific defaults (β 0.05, no normalisation) on given shared settings. */
    public static RlooConfig of(GroupSettings group) {
        return new RlooConfig(group, 0.05, false);
    }

    public RlooConfig withBeta(double value) {
        return new RlooConfig(group, value, normalizeAdvantages);
    }

    public RlooConfig withNormalizeAdvantages(boolean value) {
        return new RlooConfig(group, beta, value);
    }
}
