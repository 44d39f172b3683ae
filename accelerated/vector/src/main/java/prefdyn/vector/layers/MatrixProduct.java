package prefdyn.vector.layers;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import prefdyn.reference.util.Parallel;

/**
 * The one matrix product under every linear layer and the LM head, forward and backward:
 * <pre>
 *   c[m,n] = init[m,n] + Σ_k a[m,k] · b[k,n]        k ascending, one fused multiply-add per term
 * </pre>
 * where init is c's own value (accumulate), a bias row {@code bias[n]}, or 0. {@code a} is addressed through two
 * strides, so a transposed operand (the weight gradient's inpᵀ) is read in place; {@code b} is row-major with
 * its rows contiguous, because the vector lanes run along n.
 *
 * <h2>Why the loops compute tiles</h2>
 * A tile of {@value #ROWS} rows × 2 vectors of columns keeps its 8 sums in vector registers while k runs, so each
 * row of b loaded serves four rows and each a value broadcast serves two vectors. Every element of c is the same
 * chain of fused multiply-adds in ascending k whatever tile, edge loop or single element computes it (a lane of a
 * vector FMA and {@link Math#fma} both round once), so neither the tiling, nor the number of rows in the call (a
 * sampling step's one row against a forward's B·T), nor the thread count changes a bit. Work is split into fixed
 * blocks of {@value #BLOCK_ROWS} rows × {@value #BLOCK_COLUMNS} columns, whatever the thread count.
 */
final class MatrixProduct {

    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    private static final int ROWS = 4;
    private static final int BLOCK_ROWS = 64;
    private static final int BLOCK_COLUMNS = 4 * 32;

    /** Where each sum starts. */
    enum Start { ZERO, BIAS, ACCUMULATE }

    private MatrixProduct() {
    }

    /**
     * c[m,n] = start + Σ_k a[m,k]·b[k,n] for m in [0, M), n in [0, Nc).
     *
     * @param c       [M,Nc] at {@code cOff}, row stride {@code ldc}: written, or accumulated into
     * @param a       a[m,k] at {@code aOff + m·aRow + k·aCol}
     * @param b       [K,Nc] at {@code bOff}, row stride {@code ldb}
     * @param bias    [Nc] at {@code biasOff} when {@code start} is BIAS, else unused
     */
    static void multiply(Parallel parallel, float[] c, int cOff, int ldc, float[] a, int aOff, int aRow, int aCol,
                         float[] b, int bOff, int ldb, float[] bias, int biasOff, Start start, int M, int K, int Nc) {
        if (M == 0 || Nc == 0) {
            return;
        }
        // where each sum starts: init[initOff + m·initLd + n] (c itself, the bias row for every m, or zeros)
        float[] init = start == Start.ACCUMULATE ? c : start == Start.BIAS ? bias : new float[Nc];
        int initOff = start == Start.ACCUMULATE ? cOff : start == Start.BIAS ? biasOff : 0;
        int initLd = start == Start.ACCUMULATE ? ldc : 0;
        int rowBlocks = (M + BLOCK_ROWS - 1) / BLOCK_ROWS;
        int columnBlocks = (Nc + BLOCK_COLUMNS - 1) / BLOCK_COLUMNS;
        parallel.forEach(rowBlocks * columnBlocks, task -> {
            int m0 = (task / columnBlocks) * BLOCK_ROWS;
            int n0 = (task % columnBlocks) * BLOCK_COLUMNS;
            int m1 = Math.min(M, m0 + BLOCK_ROWS);
            int n1 = Math.min(Nc, n0 + BLOCK_COLUMNS);
            block(c, cOff, ldc, a, aOff, aRow, aCol, b, bOff, ldb, init, initOff, initLd, m0, m1, n0, n1, K);
        });
    }

    private static void block(float[] c, int cOff, int ldc, float[] a, int aOff, int aRow, int aCol, float[] b,
                              int bOff, int ldb, float[] init, int initOff, int initLd, int m0, int m1, int n0,
                              int n1, int K) {
        int n = n0;
        for (; n + 2 * L <= n1; n += 2 * L) {
            int m = m0;
            for (; m + ROWS <= m1; m += ROWS) {
                tile4x2(c, cOff, ldc, a, aOff, aRow, aCol, b, bOff, ldb, init, initOff, initLd, m, n, K);
            }
            for (; m < m1; m++) {
                oneRow(c, cOff, ldc, a, aOff, aRow, aCol, b, bOff, ldb, init, initOff, initLd, m, n, K);
                oneRow(c, cOff, ldc, a, aOff, aRow, aCol, b, bOff, ldb, init, initOff, initLd, m, n + L, K);
            }
        }
        for (; n + L <= n1; n += L) { // the last columns: one vector at a time
            for (int m = m0; m < m1; m++) {
                oneRow(c, cOff, ldc, a, aOff, aRow, aCol, b, bOff, ldb, init, initOff, initLd, m, n, K);
            }
        }
        for (; n < n1; n++) { // fewer than L columns left: one element at a time, the same chain of FMAs
            for (int m = m0; m < m1; m++) {
                float sum = init[initOff + m * initLd + n];
                int am = aOff + m * aRow;
                for (int k = 0; k < K; k++) {
                    sum = Math.fma(a[am + k * aCol], b[bOff + k * ldb + n], sum);
                }
                c[cOff + m * ldc + n] = sum;
            }
        }
    }

    /** c[m..m+3, n..n+2L): the sum {@code sRJ} belongs to row m+R and vector J. */
    private static void tile4x2(float[] c, int cOff, int ldc, float[] a, int aOff, int aRow, int aCol, float[] b,
                                int bOff, int ldb, float[] init, int initOff, int initLd, int m, int n, int K) {
        int c0 = cOff + m * ldc + n;
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        int i0 = initOff + m * initLd + n;
        int i1 = i0 + initLd;
        int i2 = i1 + initLd;
        int i3 = i2 + initLd;
        FloatVector s00 = FloatVector.fromArray(SPECIES, init, i0), s01 = FloatVector.fromArray(SPECIES, init, i0 + L);
        FloatVector s10 = FloatVector.fromArray(SPECIES, init, i1), s11 = FloatVector.fromArray(SPECIES, init, i1 + L);
        FloatVector s20 = FloatVector.fromArray(SPECIES, init, i2), s21 = FloatVector.fromArray(SPECIES, init, i2 + L);
        FloatVector s30 = FloatVector.fromArray(SPECIES, init, i3), s31 = FloatVector.fromArray(SPECIES, init, i3 + L);
        int a0 = aOff + m * aRow;
        int a1 = a0 + aRow;
        int a2 = a1 + aRow;
        int a3 = a2 + aRow;
        int bk = bOff + n;
        for (int k = 0; k < K; k++, bk += ldb) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bk);
            FloatVector b1 = FloatVector.fromArray(SPECIES, b, bk + L);
            int ak = k * aCol;
            FloatVector x = FloatVector.broadcast(SPECIES, a[a0 + ak]);
            s00 = x.fma(b0, s00);
            s01 = x.fma(b1, s01);
            x = FloatVector.broadcast(SPECIES, a[a1 + ak]);
            s10 = x.fma(b0, s10);
            s11 = x.fma(b1, s11);
            x = FloatVector.broadcast(SPECIES, a[a2 + ak]);
            s20 = x.fma(b0, s20);
            s21 = x.fma(b1, s21);
            x = FloatVector.broadcast(SPECIES, a[a3 + ak]);
            s30 = x.fma(b0, s30);
            s31 = x.fma(b1, s31);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + L);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + L);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + L);
    }

    /** c[m, n..n+L), each lane the same chain of FMAs as in {@link #tile4x2}. */
    private static void oneRow(float[] c, int cOff, int ldc, float[] a, int aOff, int aRow, int aCol, float[] b,
                               int bOff, int ldb, float[] init, int initOff, int initLd, int m, int n, int K) {
        int at = cOff + m * ldc + n;
        FloatVector sum = FloatVector.fromArray(SPECIES, init, initOff + m * initLd + n);
        int am = aOff + m * aRow;
        int bk = bOff + n;
        for (int k = 0; k < K; k++, bk += ldb) {
            FloatVector x = FloatVector.broadcast(SPECIES, a[am + k * aCol]);
            sum = x.fma(FloatVector.fromArray(SPECIES, b, bk), sum);
        }
        sum.intoArray(c, at);
    }

    /**
     * out[j,i] = in[i,j]: a row-major [R,Cc] matrix at {@code inOff} into [Cc,R] at 0 of {@code out}.
     *
     * @param out [Cc,R] written
     * @param in  [R,Cc] at {@code inOff}
     */
    static void transpose(Parallel parallel, float[] out, float[] in, int inOff, int R, int Cc) {
        int blocks = (Cc + 63) / 64;
        parallel.forEach(blocks, block -> {
            int j0 = block * 64;
            int j1 = Math.min(Cc, j0 + 64);
            for (int i = 0; i < R; i++) {
                int row = inOff + i * Cc;
                for (int j = j0; j < j1; j++) {
                    out[j * R + i] = in[row + j];
                }
            }
        });
    }
}
