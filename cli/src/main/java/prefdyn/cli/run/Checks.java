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
}
