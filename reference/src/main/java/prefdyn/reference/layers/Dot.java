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
     * together: one row of A against two rows of B, eight running sums in local variables, so every value of A
     * loaded is used twice and eight independent additions are in flight instead of four. (Two rows of A against
     * two of B, sixteen sums, measured slower: the sums and the loaded values no longer fit in the registers.)
     * Callers parallelise over blocks of rows of A.
     *
     * @param c      [·,M] row-major, starting at {@code cStart}
     * @param a      [·,K] row-major, starting at {@code aStart}
     * @param b      [M,K] row-major, starting at {@code bStart}
     */
    static void dotRows(double[] c, int cStart, boolean accumulate, double[] a, int aStart, double[] b, int bStart,
                        int nFrom, int nTo, int M, int K) {
        for (int n = nFrom; n < nTo; n++) {
            int m = 0;
            for (; m + 1 < M; m += 2) {
                dotOneByTwo(c, cStart, accumulate, a, aStart, b, bStart, n, m, M, K);
            }
            if (m < M) { // an odd M leaves one row of B
                store(c, cStart + n * M + m, accumulate, dot(a, aStart + n * K, b, bStart + m * K, K));
            }
        }
    }

    /**
     * c[n,m] and c[n,m+1] of {@link #dotRows}. The eight sums are named for the row of B (p: m, q: m+1) and the
     * partial sum (k mod 4) they hold.
     */
    private static void dotOneByTwo(double[] c, int cStart, boolean accumulate, double[] a, int aStart,
                                    double[] b, int bStart, int n, int m, int M, int K) {
        int x = aStart + n * K;
        int p = bStart + m * K;
        int q = p + K;
        double p0 = 0, p1 = 0, p2 = 0, p3 = 0;
        double q0 = 0, q1 = 0, q2 = 0, q3 = 0;
        int k = 0;
        for (; k + 3 < K; k += 4) {
            double x0 = a[x + k], x1 = a[x + k + 1], x2 = a[x + k + 2], x3 = a[x + k + 3];
            p0 += x0 * b[p + k]; p1 += x1 * b[p + k + 1]; p2 += x2 * b[p + k + 2]; p3 += x3 * b[p + k + 3];
            q0 += x0 * b[q + k]; q1 += x1 * b[q + k + 1]; q2 += x2 * b[q + k + 2]; q3 += x3 * b[q + k + 3];
        }
        for (; k < K; k++) { // the tail goes into partial sum 0, as in dot()
            p0 += a[x + k] * b[p + k];
            q0 += a[x + k] * b[q + k];
        }
        int at = cStart + n * M + m;
        store(c, at, accumulate, (p0 + p1) + (p2 + p3));
        store(c, at + 1, accumulate, (q0 + q1) + (q2 + q3));
    }

    private static void store(double[] c, int index, boolean accumulate, double value) {
        if (accumulate) {
            c[index] += value;
        } else {
            c[index] = value;
        }
    }
}
