package prefdyn.cli.findings;

import org.apache.commons.math3.distribution.TDistribution;

import prefdyn.cli.report.Report;

import java.util.Locale;

/**
 * Statistics across seeds: the mean of one number per seed with its 95% Student-t interval, and paired
 * differences (the same seed under two variants shares its pairs, prompts and sampling seeds, so the difference
 * per seed removes that shared noise).
 *
 * <p>With n seeds the interval is mean ± t<sub>0.975, n−1</sub> · s / √n, s the sample standard deviation. It
 * assumes the per-seed values are independent and roughly normal; with five seeds it is wide, which is the point:
 * a difference whose interval contains 0 is within the noise of these runs.
 */
final class SeedStatistics {

    /** Two-sided confidence level of every interval. */
    static final double CONFIDENCE = 0.95;

    private SeedStatistics() {
    }

    /**
     * A mean across seeds and its interval; {@code n} counts the finite values used. Bounds are NaN for n &lt; 2.
     */
    record Interval(double mean, double lower, double upper, int n) {

        /** +1 if the whole interval lies above {@code threshold}, −1 if below, 0 if it contains it or is unknown. */
        int side(double threshold) {
            if (n < 2 || !Double.isFinite(lower) || !Double.isFinite(upper)) {
                return 0;
            }
            return lower > threshold ? 1 : upper < threshold ? -1 : 0;
        }

        /** "0.123 [0.100, 0.146]" (three significant digits), or "—" when nothing was measured. */
        String text() {
            if (n == 0) {
                return "—";
            }
            if (n < 2) {
                return Report.Html.number(mean) + " (one seed)";
            }
            return Report.Html.number(mean) + " [" + Report.Html.number(lower) + ", " + Report.Html.number(upper) + "]";
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s (n=%d)", text(), n);
        }
    }

    /** [n] values, one per seed (NaN entries are left out) → mean and 95% t-interval. */
    static Interval of(double[] values) {
        int n = 0;
        double sum = 0;
        for (double value : values) {
            if (Double.isFinite(value)) {
                n++;
                sum += value;
            }
        }
        if (n == 0) {
            return new Interval(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        double mean = sum / n;
        if (n == 1) {
            return new Interval(mean, Double.NaN, Double.NaN, 1);
        }
        double squares = 0;
        for (double value : values) {
            if (Double.isFinite(value)) {
                squares += (value - mean) * (value - mean);
            }
        }
        double standardError = Math.sqrt(squares / (n - 1) / n);
        double t = new TDistribution(null, n - 1).inverseCumulativeProbability(0.5 + CONFIDENCE / 2);
        return new Interval(mean, mean - t * standardError, mean + t * standardError, n);
    }

    /** [n] a, [n] b, paired by seed → the interval of a[i] − b[i] (pairs with a NaN are left out). */
    static Interval paired(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("paired values need one per seed on both sides: " + a.length + " vs "
                    + b.length);
        }
        double[] differences = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            differences[i] = a[i] - b[i];
        }
        return of(differences);
    }
}
