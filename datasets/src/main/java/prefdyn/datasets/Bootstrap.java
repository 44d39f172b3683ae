package prefdyn.datasets;

import java.util.Random;
import org.apache.commons.math3.stat.descriptive.moment.Mean;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.apache.commons.math3.stat.descriptive.rank.Percentile.EstimationType;

/**
 * The seeded nonparametric bootstrap of a mean, with a percentile interval.
 *
 * <p>With {@code random = new Random(seed)}, each of the B resamples draws n indices with
 * {@code random.nextInt(n)} and takes the mean of those values; the interval is the (1 − c)/2 and (1 + c)/2
 * quantiles of the B resampled means, computed by Commons Math's {@link Percentile} with estimation type R-7
 * (linear interpolation between order statistics, the default of R and NumPy).
 */
public final class Bootstrap {

    /** The default number of resamples. */
    public static final int DEFAULT_RESAMPLES = 2000;

    /** The default coverage of the interval. */
    public static final double DEFAULT_CONFIDENCE = 0.95;

    private Bootstrap() {
    }

    /**
     * The mean of {@code values} with its bootstrap percentile interval.
     *
     * @throws IllegalArgumentException for no values, a non-finite value (naming its index), fewer than one
     *                                  resample, or a confidence outside (0, 1)
     */
    public static Estimate mean(double[] values, double confidence, int resamples, long seed) {
        if (values.length == 0) {
            throw new IllegalArgumentException("values: expected at least one value");
        }
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException("values[" + i + "]: expected a finite number, got " + values[i]);
            }
        }
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence: expected a number in (0, 1), got " + confidence);
        }
        if (resamples < 1) {
            throw new IllegalArgumentException("resamples: expected at least 1, got " + resamples);
        }
        Random random = new Random(seed);
        int n = values.length;
        double[] means = new double[resamples];
        double[] resample = new double[n];
        Mean mean = new Mean();
        for (int b = 0; b < resamples; b++) {
            for (int i = 0; i < n; i++) {
                resample[i] = values[random.nextInt(n)];
            }
            means[b] = mean.evaluate(resample);
        }
        Percentile percentile = new Percentile().withEstimationType(EstimationType.R_7);
        percentile.setData(means);
        double lower = percentile.evaluate(100 * (1 - confidence) / 2);
        double upper = percentile.evaluate(100 * (1 + confidence) / 2);
        return new Estimate(mean.evaluate(values), lower, upper, confidence, n);
    }
}
