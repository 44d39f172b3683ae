package prefdyn.datasets;

/**
 * A point estimate with a bootstrap percentile confidence interval.
 *
 * @param value      the estimate on the full data
 * @param lower      the lower end of the interval
 * @param upper      the upper end of the interval
 * @param confidence the interval's nominal coverage, e.g. 0.95
 * @param n          the number of observations (prompts)
 */
public record Estimate(double value, double lower, double upper, double confidence, int n) {
}
