package prefdyn.reference.ppo;

/**
 * Linear schedules of the weights λ⁺ (on positive-advantage tokens) and λ⁻ (on negative-advantage tokens) over the
 * training steps, for {@link PpoVariant#CONTROLLED}. With f = step / (totalSteps − 1), clamped to [0, 1] (f = 0
 * when totalSteps = 1):
 * <pre>
 *   λ⁺(step) = positiveStart + (positiveEnd − positiveStart)·f
 *   λ⁻(step) = negativeStart + (negativeEnd − negativeStart)·f
 * </pre>
 * The default (λ⁺ 1.5 → 0.5, λ⁻ 0.5 → 1.5) mirrors the controlled DPO of
 * {@link prefdyn.reference.dpo.LambdaSchedule#defaultControlled} ({@code docs/paper-map.md}): positive learning first,
 * negative learning later. The paper's own cPPO schedule is not public; this one is prefdyn's.
 *
 * @param positiveStart λ⁺ at step 0, ≥ 0
 * @param positiveEnd   λ⁺ at step totalSteps − 1, ≥ 0
 * @param negativeStart λ⁻ at step 0, ≥ 0
 * @param negativeEnd   λ⁻ at step totalSteps − 1, ≥ 0
 */
public record ControlSchedule(double positiveStart, double positiveEnd, double negativeStart, double negativeEnd) {

    public ControlSchedule {
        requireWeight("positiveStart", positiveStart);
        requireWeight("positiveEnd", positiveEnd);
        requireWeight("negativeStart", negativeStart);
        requireWeight("negativeEnd", negativeEnd);
    }

    /** λ⁺ 1.5 → 0.5, λ⁻ 0.5 → 1.5. */
    public static ControlSchedule defaults() {
        return new ControlSchedule(1.5, 0.5, 0.5, 1.5);
    }

    /** f = step / (totalSteps − 1) in [0, 1]. */
    public static double progress(long step, long totalSteps) {
        if (totalSteps < 1) {
            throw new IllegalArgumentException("totalSteps must be at least 1, got " + totalSteps);
        }
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        if (totalSteps == 1) {
            return 0.0;
        }
        return Math.min(1.0, (double) step / (totalSteps - 1));
    }

    public double positiveWeight(long step, long totalSteps) {
        return positiveStart + (positiveEnd - positiveStart) * progress(step, totalSteps);
    }

    public double negativeWeight(long step, long totalSteps) {
        return negativeStart + (negativeEnd - negativeStart) * progress(step, totalSteps);
    }

    private static void requireWeight(String name, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("ControlSchedule." + name + " must be finite and >= 0, got " + value);
        }
    }
}
