package prefdyn.reference.ppo;

/** β_kl that never changes. */
public final class FixedKlController implements KlController {

    private final double coefficient;

    public FixedKlController(double coefficient) {
        if (!(coefficient >= 0) || Double.isInfinite(coefficient)) {
            throw new IllegalArgumentException("the KL coefficient must be finite and >= 0, got " + coefficient);
        }
        this.coefficient = coefficient;
    }

    @Override
    public double coefficient() {
        return coefficient;
    }

    @Override
    public void update(double currentKl, long numSteps) {
    }
}
