package prefdyn.accelerated.check;

import prefdyn.accelerated.kernels.Tolerance;

/**
 * The worst element of a twin-versus-reference comparison.
 *
 * @param quantity   what was compared, e.g. {@code linearBackward: grads}
 * @param maxError   max_i |twin[i] − ref[i]| (NaN or infinite when an element is not finite on one side only)
 * @param scale      max_i |ref[i]|
 * @param worstIndex the element with the largest error (−1 for an empty quantity)
 * @param reference  ref at the worst element
 * @param twin       twin at the worst element
 * @param tolerance  the tolerance it is held to
 */
public record Comparison(String quantity, double maxError, double scale, int worstIndex, double reference, double twin,
                         Tolerance tolerance) {

    /** Compares element by element. Non-finite values must match exactly (same infinity, or both NaN). */
    public static Comparison of(String quantity, double[] reference, double[] twin, Tolerance tolerance) {
        if (reference.length != twin.length) {
            throw new IllegalArgumentException(quantity + ": reference has " + reference.length + " values, twin "
                    + twin.length);
        }
        double maxError = 0;
        double scale = 0;
        int worst = -1;
        for (int i = 0; i < reference.length; i++) {
            double r = reference[i];
            double t = twin[i];
            double error;
            if (Double.isFinite(r) && Double.isFinite(t)) {
                error = Math.abs(t - r);
                scale = Math.max(scale, Math.abs(r));
            } else {
                error = Double.compare(r, t) == 0 ? 0.0 : Double.POSITIVE_INFINITY;
            }
            if (worst < 0 || error > maxError) {
                maxError = error;
                worst = i;
            }
        }
        return new Comparison(quantity, maxError, scale, worst, worst < 0 ? 0 : reference[worst],
                worst < 0 ? 0 : twin[worst], tolerance);
    }

    public static Comparison of(String quantity, double reference, double twin, Tolerance tolerance) {
        return of(quantity, new double[] {reference}, new double[] {twin}, tolerance);
    }

    /** True when the worst error is within abs + rel · scale. */
    public boolean passes() {
        return maxError <= tolerance.bound(scale);
    }

    /** maxError / max(scale, tiny): the error in units of the largest reference value. */
    public double relativeError() {
        return maxError / Math.max(scale, Double.MIN_NORMAL);
    }

    @Override
    public String toString() {
        return String.format("%s: max |twin − ref| = %.3g at [%d] (ref %.9g, twin %.9g), max|ref| = %.3g, "
                        + "error/max|ref| = %.3g; allowed %.3g (abs %.1g + rel %.1g)", quantity, maxError, worstIndex,
                reference, twin, scale, relativeError(), tolerance.bound(scale), tolerance.abs(), tolerance.rel());
    }
}
