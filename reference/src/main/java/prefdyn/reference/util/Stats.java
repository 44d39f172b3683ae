package prefdyn.reference.util;

/** Summary statistics used by the trainers' metrics. */
public final class Stats {

    private Stats() {
    }

    /** The arithmetic mean, summed in index order; NaN for an empty array. */
    public static double mean(double[] values) {
        double sum = 0;
        for (double value : values) {
            sum += value;
        }
        return sum / values.length;
    }
}
