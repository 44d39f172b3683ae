package prefdyn.cli.findings;

import prefdyn.cli.findings.SeedStatistics.Interval;
import prefdyn.cli.run.RunData;

import java.util.ArrayList;
import java.util.List;

/**
 * A quantity per measured step across seeds, such as G(L; θ(t)) = g′ᵀ ∇L(D_t; θ(t)) of arXiv 2512.00778, §3
 * ({@code docs/paper-map.md}, "Optimization dynamics"): at each step t of the first seed, the mean across seeds of
 * the values at t and its 95% Student-t interval ({@link SeedStatistics#of}), mean ± t<sub>0.975, n−1</sub> · s / √n.
 * Plotted over t the intervals form a band;
 * where the whole band lies above 0 the seeds agree that G is positive at that step, where it contains 0 they do not
 * tell its sign apart from zero.
 */
final class StepBands {

    /**
     * The band of one run.
     *
     * @param steps     [steps] the measured steps t (the first seed's)
     * @param intervals [steps] mean and interval across the seeds that measured t (n counts them)
     */
    record Band(double[] steps, Interval[] intervals) {

        /** [steps] the means. */
        double[] mean() {
            double[] values = new double[intervals.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = intervals[i].mean();
            }
            return values;
        }

        /** [steps] the lower bounds (NaN where fewer than two seeds measured the step). */
        double[] lower() {
            double[] values = new double[intervals.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = intervals[i].lower();
            }
            return values;
        }

        /** [steps] the upper bounds (NaN where fewer than two seeds measured the step). */
        double[] upper() {
            double[] values = new double[intervals.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = intervals[i].upper();
            }
            return values;
        }

        /**
         * How many steps the band lies wholly above {@code threshold}, contains it (or has no interval), and lies
         * wholly below it: {above, within, below}.
         */
        int[] sides(double threshold) {
            int[] counts = new int[3];
            for (Interval interval : intervals) {
                counts[1 - interval.side(threshold)]++;
            }
            return counts;
        }

        /** The steps whose mean is at or below {@code threshold} (finite means only). */
        List<Long> stepsAtOrBelow(double threshold) {
            List<Long> found = new ArrayList<>();
            for (int i = 0; i < steps.length; i++) {
                if (Double.isFinite(intervals[i].mean()) && intervals[i].mean() <= threshold) {
                    found.add(Math.round(steps[i]));
                }
            }
            return found;
        }
    }

    private StepBands() {
    }

    /**
     * [seeds][steps of that seed] measured steps and [seeds][steps of that seed] values → the band at the first
     * seed's steps. A seed contributes at step t its value at the same t (seeds are matched by step, not by
     * position); a seed that did not measure t, or measured NaN there, is left out at t.
     */
    static Band of(List<double[]> steps, List<double[]> values) {
        if (steps.size() != values.size() || steps.isEmpty()) {
            throw new IllegalArgumentException("one step list per seed's values, at least one seed: " + steps.size()
                    + " vs " + values.size());
        }
        double[] first = steps.get(0);
        Interval[] intervals = new Interval[first.length];
        for (int i = 0; i < first.length; i++) {
            double[] atStep = new double[steps.size()];
            for (int s = 0; s < atStep.length; s++) {
                atStep[s] = valueAt(steps.get(s), values.get(s), first[i]);
            }
            intervals[i] = SeedStatistics.of(atStep);
        }
        return new Band(first.clone(), intervals);
    }

    /** The band of {@code key} in {@code dynamics.jsonl} over the seeds' runs (one {@link RunData} per seed). */
    static Band of(List<RunData> runs, String key) {
        List<double[]> steps = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        for (RunData run : runs) {
            steps.add(run.dynamicsSteps());
            values.add(run.dynamics(key));
        }
        return of(steps, values);
    }

    /** [n] steps, [n] values → the value at {@code step}, NaN if the seed did not measure it. */
    private static double valueAt(double[] steps, double[] values, double step) {
        for (int i = 0; i < Math.min(steps.length, values.length); i++) {
            if (steps[i] == step) {
                return values[i];
            }
        }
        return Double.NaN;
    }
}
