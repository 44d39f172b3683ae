package prefdyn.reference.layers;

/**
 * The dot product used inside the layers, Σ_k a[aStart + k]·b[bStart + k] for k in [0, n), and its tiled form
 * over many rows at once ({@link #dotRows}).
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

    /**
     * Every row of {@code a} dotted with every row of {@code b} — the product of two row-major matrices with the
     * second one transposed, A·Bᵀ — for the rows n in [nFrom, nTo) of A:
     * <pre>
     *   c[n,m] = Σ_k a[n,k] · b[m,k]        (accumulate = false)
     *   c[n,m] += Σ_k a[n,k] · b[m,k]       (accumulate = true)
     * </pre>
     * Each sum is computed exactly as {@link #dot} computes it (same partial sums, same order), so the result is
     * bit-identical to calling {@code dot} once per element. The loops only change which elements are computed
     * together: two rows of A against two rows of B, sixteen running sums in local variables, so every value
     * loaded from memory is used twice instead of once. Callers parallelise over blocks of rows of A.
     *
     * @param c      [·,M] row-major, starting at {@code cStart}
     * @param a      [·,K] row-major, starting at {@code aStart}
     * @param b      [M,K] row-major, starting at {@code bStart}
     */
    static void dotRows(double[] c, int cStart, boolean accumulate, double[] a, int aStart, double[] b, int bStart,
                        int nFrom, int nTo, int M, int K) {
        int n = nFrom;
        for (; n + 1 < nTo; n += 2) {
            int m = 0;
            for (; m + 1 < M; m += 2) {
                dotTwoByTwo(c, cStart, accumulate, a, aStart, b, bStart, n, m, M, K);
            }
            for (; m < M; m++) { // an odd M leaves one row of B
                store(c, cStart + n * M + m, accumulate, dot(a, aStart + n * K, b, bStart + m * K, K));
                store(c, cStart + (n + 1) * M + m, accumulate, dot(a, aStart + (n + 1) * K, b, bStart + m * K, K));
            }
        }
        for (; n < nTo; n++) { // an odd number of rows leaves one row of A
            for (int m = 0; m < M; m++) {
                store(c, cStart + n * M + m, accumulate, dot(a, aStart + n * K, b, bStart + m * K, K));
            }
        }
    }

    /**
     * The 2×2 tile of {@link #dotRows} at rows n, n+1 of A and m, m+1 of B. The sixteen sums are named for the row
     * of A (x: n, y: n+1), the row of B (p: m, q: m+1) and the partial sum (k mod 4) they hold.
     */
    private static void dotTwoByTwo(double[] c, int cStart, boolean accumulate, double[] a, int aStart,
                                    double[] b, int bStart, int n, int m, int M, int K) {
        int x = aStart + n * K;
        int y = x + K;
        int p = bStart + m * K;
        int q = p + K;
        double xp0 = 0, xp1 = 0, xp2 = 0, xp3 = 0;
        double xq0 = 0, xq1 = 0, xq2 = 0, xq3 = 0;
        double yp0 = 0, yp1 = 0, yp2 = 0, yp3 = 0;
        double yq0 = 0, yq1 = 0, yq2 = 0, yq3 = 0;
        int k = 0;
        for (; k + 3 < K; k += 4) {
            double x0 = a[x + k], x1 = a[x + k + 1], x2 = a[x + k + 2], x3 = a[x + k + 3];
            double y0 = a[y + k], y1 = a[y + k + 1], y2 = a[y + k + 2], y3 = a[y + k + 3];
            double p0 = b[p + k], p1 = b[p + k + 1], p2 = b[p + k + 2], p3 = b[p + k + 3];
            double q0 = b[q + k], q1 = b[q + k + 1], q2 = b[q + k + 2], q3 = b[q + k + 3];
            xp0 += x0 * p0; xp1 += x1 * p1; xp2 += x2 * p2; xp3 += x3 * p3;
            xq0 += x0 * q0; xq1 += x1 * q1; xq2 += x2 * q2; xq3 += x3 * q3;
            yp0 += y0 * p0; yp1 += y1 * p1; yp2 += y2 * p2; yp3 += y3 * p3;
            yq0 += y0 * q0; yq1 += y1 * q1; yq2 += y2 * q2; yq3 += y3 * q3;
        }
        for (; k < K; k++) { // the tail goes into partial sum 0, as in dot()
            xp0 += a[x + k] * b[p + k];
            xq0 += a[x + k] * b[q + k];
            yp0 += a[y + k] * b[p + k];
            yq0 += a[y + k] * b[q + k];
        }
        int row = cStart + n * M + m;
        store(c, row, accumulate, (xp0 + xp1) + (xp2 + xp3));
        store(c, row + 1, accumulate, (xq0 + xq1) + (xq2 + xq3));
        store(c, row + M, accumulate, (yp0 + yp1) + (yp2 + yp3));
        store(c, row + M + 1, accumulate, (yq0 + yq1) + (yq2 + yq3));
    }

    private static void store(double[] c, int index, boolean accumulate, double value) {
        if (accumulate) {
            c[index] += value;
        } else {
            c[index] = value;
        }
    }
}
