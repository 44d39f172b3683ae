package prefdyn.reference.ppo;

/**
 * Adaptive KL coefficient of Ziegler et al., "Fine-Tuning Language Models from Human Preferences" (1909.08593,
 * §2.2), exactly as TRL v0.11's {@code AdaptiveKLController}:
 * <pre>
 *   e    = clip(KL / KL_target − 1, −0.2, 0.2)
 *   β_kl ← β_kl · (1 + e · n_steps / horizon)
 * </pre>
 * TRL v0.11 defaults: initial β 0.2, target 6, horizon 10000.
 */
public final class AdaptiveKlController implements KlController {

    private final double target;
    private final double horizon;
    private double coefficient;

    public AdaptiveKlController(double initialCoefficient, double target, double horizon) {
        if (!(initialCoefficient >= 0) || Double.isInfinite(initialCoefficient)) {
            throw new IllegalArgumentException("the initial KL coefficient must be finite and >= 0, got "
                    + initialCoefficient);
        }
        if (!(target > 0) || Double.isInfinite(target)) {
            throw new IllegalArgumentException("the KL target must be finite and > 0, got " + target);
        }
        if (!(horizon > 0) || Double.isInfinite(horizon)) {
            throw new IllegalArgumentException("the KL horizon must be finite and > 0, got " + horizon);
        }
        this.coefficient = initialCoefficient;
        this.target = target;
        this.horizon = horizon;
    }

    @Override
    public double coefficient() {
        return coefficient;
    }

    @Override
    public void update(double currentKl, long numSteps) {
        if (!Double.isFinite(currentKl)) {
            throw new ArithmeticException("adaptive KL controller: the current KL is " + currentKl);
        }
        double proportionalError = Math.max(-0.2, Math.min(0.2, currentKl / target - 1));
        double multiplier = 1 + proportionalError * numSteps / horizon;
        coefficient *= multiplier;
    }

    @Override
    public void restoreCoefficient(double restored) {
        if (!(restored >= 0) || Double.isInfinite(restored)) {
            throw new IllegalArgumentException("a restored KL coefficient must be finite and >= 0, got " + restored);
        }
        coefficient = restored;
    }

    public double target() {
        return target;
    }

    public double horizon() {
        return horizon;
    }
}
