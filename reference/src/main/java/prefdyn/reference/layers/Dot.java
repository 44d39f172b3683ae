package prefdyn.reference.layers;

/**
 * The dot product used inside the layers, Σ_k a[aStart + k]·b[bStart + k] for k in [0, n).
 *
 * <p>It keeps four partial sums (k mod 4) and adds them at the end — a fixed order, so results stay
 * deterministic, and one the JIT can pipeline: a single running sum makes every addition wait for the previous
 * one. The result differs from a left-to-right sum only by rounding.
 */
final class Dot {

    private Dot() {
    }

    /**
     * @param a [≥ aStart + n]
     * @param b [≥ bStart + n]
     */
    static double dot(double[] a, int aStart, double[] b, int bStart, int n) {
        double sum0 = 0;
        double sum1 = 0;
        double sum2 = 0;
        double sum3 = 0;
        int k = 0;
        for (; k + 3 < n; k += 4) {
            sum0 += a[aStart + k] * b[bStart + k];
            sum1 += a[aStart + k + 1] * b[bStart + k + 1];
            sum2 += a[aStart + k + 2] * b[bStart + k + 2];
            sum3 += a[aStart + k + 3] * b[bStart + k + 3];
        }
        for (; k < n; k++) {
            sum0 += a[aStart + k] * b[bStart + k];
        }
        return (sum0 + sum1) + (sum2 + sum3);
    }
}
