package prefdyn.reference.train;

import java.util.function.LongToDoubleFunction;

/**
 * The learning rate of language-model pre-training as nanoGPT's {@code train.py} schedules it ({@code get_lr}): a
 * linear warm-up, then a half cosine from the peak down to a floor, reached at the last step.
 *
 * <pre>
 *   lr(t) = peak · (t + 1) / warmup                                      t &lt; warmup
 *   lr(t) = floor + ½ (1 + cos(π p)) (peak − floor),  p = (t − warmup) / (total − warmup)   otherwise (p ≤ 1)
 * </pre>
 *
 * @param peak        the learning rate at the end of the warm-up
 * @param warmupSteps steps of linear warm-up (0: none)
 * @param totalSteps  the step count of the whole run; the floor is reached at its last step
 * @param floor       the final learning rate, at most {@code peak} (nanoGPT: peak / 10)
 */
public record CosineLearningRate(double peak, int warmupSteps, long totalSteps, double floor)
        implements LongToDoubleFunction {

    public CosineLearningRate {
        if (!(peak > 0) || Double.isInfinite(peak)) {
            throw new IllegalArgumentException("peak must be positive and finite, got " + peak);
        }
        if (!(floor >= 0) || floor > peak) {
            throw new IllegalArgumentException("floor must lie in [0, peak], got " + floor);
        }
        if (warmupSteps < 0 || totalSteps <= warmupSteps) {
            throw new IllegalArgumentException("need 0 <= warmupSteps < totalSteps, got " + warmupSteps + " and "
                    + totalSteps);
        }
    }

    /** The learning rate of step t (0-based). */
    @Override
    public double applyAsDouble(long step) {
        if (step < warmupSteps) {
            return peak * (step + 1) / warmupSteps;
        }
        double progress = Math.min(1.0, (double) (step - warmupSteps) / Math.max(1, totalSteps - 1 - warmupSteps));
        return floor + 0.5 * (1.0 + Math.cos(Math.PI * progress)) * (peak - floor);
    }
}
