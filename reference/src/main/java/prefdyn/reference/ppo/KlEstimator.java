package prefdyn.reference.ppo;

/**
 * Per-token estimators of KL(π_old ‖ π_ref) from the sampled token's log-probs (Schulman, "Approximating KL
 * divergence", 2020; TRL's {@code kl_estimator}). With {@code logr = log π_ref(a_t) − log π_old(a_t)}:
 * <ul>
 *   <li>{@link #K1}: k1 = −logr = log π_old − log π_ref (unbiased, can be negative; TRL's default);</li>
 *   <li>{@link #K3}: k3 = (e^logr − 1) − logr (unbiased, always ≥ 0 since e^x ≥ 1 + x).</li>
 * </ul>
 */
public enum KlEstimator {
    K1,
    K3;

    /** The estimate for one token, given log π_old(a_t) and log π_ref(a_t). */
    public double estimate(double oldLogProb, double refLogProb) {
        double logr = refLogProb - oldLogProb;
        return switch (this) {
            case K1 -> -logr;
            case K3 -> Math.expm1(logr) - logr;
        };
    }
}
