package prefdyn.reference.dpo;

/**
 * Linear schedules for the weights of positive and negative learning over {@code totalSteps} steps:
 * λ(step) = start + (end − start)·step/(totalSteps − 1), so step 0 gets the start value and the last step the end
 * value.
 */
public record LambdaSchedule(double positiveStart, double positiveEnd, double negativeStart, double negativeEnd,
                             int totalSteps) {

    public LambdaSchedule {
        if (totalSteps < 1) {
            throw new IllegalArgumentException("totalSteps must be at least 1, got " + totalSteps);
        }
        for (double value : new double[] {positiveStart, positiveEnd, negativeStart, negativeEnd}) {
            if (!Double.isFinite(value) || value < 0) {
                throw new IllegalArgumentException("schedule weights must be finite and >= 0, got " + value);
            }
        }
    }

    /** prefdyn's default controlled schedule: λ⁺ 1.5 → 0.5 and λ⁻ 0.5 → 1.5 (their sum stays 2, as in DPO). */
    public static LambdaSchedule defaultControlled(int totalSteps) {
        return new LambdaSchedule(1.5, 0.5, 0.5, 1.5, totalSteps);
    }

    public double positive(long step) {
        return interpolate(positiveStart, positiveEnd, step);
    }

    public double negative(long step) {
        return interpolate(negativeStart, negativeEnd, step);
    }

    private double interpolate(double start, double end, long step) {
        if (totalSteps == 1) {
            return start;
        }
        double progress = Math.min(1.0, Math.max(0.0, step / (double) (totalSteps - 1)));
        return start + (end - start) * progress;
    }
}
