package prefdyn.vector.gemm;

/**
 * {@link PackedGemm}'s product as three plain loops, kept beside it as the statement of what it computes:
 * <pre>
 *   c[m,n] = init[m,n] + Σ_k a[m,k] · b[k,n]        k ascending, one {@link Math#fma} per term
 * </pre>
 * The packed product gives exactly these bits for every shape and thread count (tested); this one is for tests.
 */
public final class NaiveGemm {

    private NaiveGemm() {
    }

    /**
     * c[m,n] = init[m,n] + Σ_k a[m,k]·b[k,n] for m in [0, M), n in [0, N); the arguments as {@link
     * PackedGemm#multiply}'s.
     *
     * @param c    [M,N] at {@code cOff}, row stride {@code ldc}: written (may be {@code init} itself)
     * @param a    a[m,k] at {@code aOff + m·aRow + k·aCol}
     * @param b    b[k,n] at {@code bOff + k·bRow + n·bCol}
     * @param init init[m,n] at {@code initOff + m·initLd + n} ({@code initLd} 0: one row for every m), or null
     *             for 0
     */
    public static void multiply(float[] c, int cOff, int ldc, float[] a, int aOff, int aRow, int aCol, float[] b,
                                int bOff, int bRow, int bCol, float[] init, int initOff, int initLd, int M, int K,
                                int N) {
        for (int m = 0; m < M; m++) {
            for (int n = 0; n < N; n++) {
                float sum = init == null ? 0f : init[initOff + m * initLd + n];
                for (int k = 0; k < K; k++) {
                    sum = Math.fma(a[aOff + m * aRow + k * aCol], b[bOff + k * bRow + n * bCol], sum);
                }
                c[cOff + m * ldc + n] = sum;
            }
        }
    }
}
