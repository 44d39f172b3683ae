package prefdyn.cli.run;

import prefdyn.cli.base.UserError;

/** The range checks of run settings, each failing with a one-line error that names the option. */
final class Checks {

    private Checks() {
    }

    /** {@code value} is at least 1, or a {@link UserError} naming {@code --flag}. */
    static void positive(String flag, long value) {
        if (value < 1) {
            throw new UserError("--" + flag + " must be at least 1, got " + value);
        }
    }

    /** {@code value} is positive and finite, or a {@link UserError} naming {@code --flag}. */
    static void positiveFinite(String flag, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new UserError("--" + flag + " must be positive and finite, got " + value);
        }
    }

    /** BAPO's target share ρ₀ is in (0, 1), or a {@link UserError} naming {@code --bapo-target}. */
    static void bapoTarget(double value) {
        if (!(value > 0 && value < 1)) {
            throw new UserError("--bapo-target (BAPO's positive share ρ₀) must be in (0, 1), got " + value);
        }
    }

    /** BAPO's bounds with the authors' defaults and target ρ₀, or null when off. */
    static prefdyn.reference.ppo.AdaptiveClipping bapo(boolean on, double target) {
        return on ? prefdyn.reference.ppo.AdaptiveClipping.defaults().withPositiveContributionTarget(target) : null;
    }

    /** Reads {@code bapo_target} of a config.json (written only when BAPO is on); the authors' ½ when absent. */
    static double bapoTarget(java.util.Map<String, Object> json) {
        return json.containsKey("bapo_target") ? RunConfig.number(json, "bapo_target") : DEFAULT_BAPO_TARGET;
    }

    /** The authors' target share ρ₀ = ½. */
    static final double DEFAULT_BAPO_TARGET = 0.5;
}
