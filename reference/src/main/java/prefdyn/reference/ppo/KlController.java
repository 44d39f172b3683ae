package prefdyn.reference.ppo;

/**
 * The coefficient β_kl of the per-token KL penalty, and how it changes between PPO steps (TRL v0.11
 * {@code FixedKLController} / {@code AdaptiveKLController}; OpenRLHF's {@code kl_controller.py}).
 */
public interface KlController {

    /** β_kl for the next rollout. */
    double coefficient();

    /**
     * Called once after every PPO step.
     *
     * @param currentKl the step's KL: Σ_t k1_t over response tokens, averaged over sequences ({@code objective/kl})
     * @param numSteps  the number of episodes (sequences) the step used: TRL passes {@code batch_size}
     */
    void update(double currentKl, long numSteps);

    /**
     * Sets β_kl to a value {@link #coefficient()} returned earlier in the same run (resuming it). A fixed controller
     * only accepts its own value.
     */
    default void restoreCoefficient(double coefficient) {
        if (Double.compare(coefficient, coefficient()) != 0) {
            throw new IllegalArgumentException("a fixed KL coefficient " + coefficient() + " cannot be resumed at "
                    + coefficient);
        }
    }

    /** A constant β_kl (current TRL: {@code kl_coef} = 0.05, no controller). */
    static KlController fixed(double coefficient) {
        return new FixedKlController(coefficient);
    }

    /** Ziegler et al.'s adaptive controller, see {@link AdaptiveKlController}. */
    static KlController adaptive(double initialCoefficient, double target, double horizon) {
        return new AdaptiveKlController(initialCoefficient, target, horizon);
    }
}
