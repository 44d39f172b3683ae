package prefdyn.vector.layers;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import prefdyn.reference.util.Parallel;
import prefdyn.vector.gemm.PackedGemm;

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
 * A tile of {@value #ROWS} rows × 2 vectors of columns keeps its 16 sums in vector registers while k runs, so each
 * row of b loaded serves eight rows and each a value broadcast serves two vectors; k runs in slices of
 * {@value #K_SLICE}, so that the slice of b a tile reads stays in the first-level cache, each sum being stored and
 * reloaded (exactly, as a float) between slices. Every element of c is the same
 * chain of fused multiply-adds in ascending k whatever tile, edge loop or single element computes it (a lane of a
 * vector FMA and {@link Math#fma} both round once), so neither the tiling, nor the number of rows in the call (a
 * sampling step's one row against a forward's B·T), nor the thread count changes a bit. Work is split into fixed
 * blocks of {@value #BLOCK_ROWS} rows × {@value #BLOCK_COLUMNS} columns, whatever the thread count.
 */
final class MatrixProduct {

    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    private static final int ROWS = 8;
    private static final int K_SLICE = 128;
    private static final int BLOCK_ROWS = 64;
    private static final int BLOCK_COLUMNS = 4 * 32;
    /** From this many rows on the product is {@link PackedGemm}'s. */
    static final int PACKED_ROWS = 16;

    /** Where each sum starts. */
    enum Start { ZERO, BIAS, ACCUMULATE }

    private MatrixProduct() {
    }

    /**
     * c[m,n] = start + Σ_k a[m,k]·b[k,n] for m in [0, M), n in [0, Nc): {@link PackedGemm} from
     * {@value #PACKED_ROWS} rows on, the tiles below for fewer (a sampling step's few rows, where packing b would
     * cost more than it saves). Both give the same bits.
     *
     * @param c       [M,Nc] at {@code cOff}, row stride {@code ldc}: written, or accumulated into
     * @param a       a[m,k] at {@code aOff + m·aRow + k·aCol}
     * @param b       b[k,n] at {@code bOff + k·bRow + n·bCol}: row-major when bCol is 1, a transposed operand read
     *                in place when bRow is 1
     * @param bias    [Nc] at {@code biasOff} when {@code start} is BIAS, else unused
     */
    static void multiply(Parallel parallel, float[] c, int cOff, int ldc, float[] a, int aOff, int aRow, int aCol,
                         float[] b, int bOff, int bRow, int bCol, float[] bias, int biasOff, Start start, int M,
                         int K, int Nc) {
        if (M == 0 || Nc == 0) {
            return;
        }
        if (M >= PACKED_ROWS) {
            float[] init = start == Start.ACCUMULATE ? c : start == Start.BIAS ? bias : null;
            int initOff = start == Start.ACCUMULATE ? cOff : start == Start.BIAS ? biasOff : 0;
            PackedGemm.multiply(parallel, c, cOff, ldc, a, aOff, aRow, aCol, b, bOff, bRow, bCol, init, initOff,
                    start == Start.ACCUMULATE ? ldc : 0, M, K, Nc);
            return;
        }
        if (bCol != 1) { // the tiles read rows of b: a row-major copy of a transposed operand
            float[] copy = new float[K * Nc];                            // [K,Nc]
            for (int k = 0; k < K; k++) {
                for (int n = 0; n < Nc; n++) {
                    copy[k * Nc + n] = b[bOff + k * bRow + n * bCol];
                }
            }
            tiles(parallel, c, cOff, ldc, a, aOff, aRow, aCol, copy, 0, Nc, bias, biasOff, start, M, K, Nc);
            return;
        }
        tiles(parallel, c, cOff, ldc, a, aOff, aRow, aCol, b, bOff, bRow, bias, biasOff, start, M, K, Nc);
    }

    /** {@link #multiply} by the register tiles, b row-major [K,Nc] at {@code bOff} with row stride {@code ldb}. */
    private static void tiles(Parallel parallel, float[] c, int cOff, int ldc, float[] a, int aOff, int aRow,
                              int aCol, float[] b, int bOff, int ldb, float[] bias, int biasOff, Start start, int M,
                              int K, int Nc) {
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
            // the first slice of k starts from init, every later one from the partial sums already in c
            int k0 = 0;
            do {
                int k1 = Math.min(K, k0 + K_SLICE);
                boolean first = k0 == 0;
                block(c, cOff, ldc, a, aOff, aRow, aCol, b, bOff, ldb, first ? init : c, first ? initOff : cOff,
                        first ? initLd : ldc, m0, m1, n0, n1, k0, k1);
                k0 = k1;
            } while (k0 < K);
        });
    }

    private static void block(float[] c, int cOff, int ldc, float[] a, int aOff, int aRow, int aCol, float[] b,
                              int bOff, int ldb, float[] init, int initOff, int initLd, int m0, int m1, int n0,
                              int n1, int k0, int k1) {
        int n = n0;
        float[] panel = new float[(k1 - k0) * 2 * L];
        for (; n + 2 * L <= n1; n += 2 * L) {
            // b[k0..k1, n..n+2L) copied contiguous: rows of b a multiple of 4 KiB apart would share cache sets
            for (int k = k0; k < k1; k++) {
                int from = bOff + k * ldb + n;
                int to = (k - k0) * 2 * L;
                FloatVector.fromArray(SPECIES, b, from).intoArray(panel, to);
                FloatVector.fromArray(SPECIES, b, from + L).intoArray(panel, to + L);
            }
            int pOff = -k0 * 2 * L; // panel[pOff + k·2L + j] = b[k, n + j]
            int m = m0;
            for (; m + ROWS <= m1; m += ROWS) {
                tile8x2(c, cOff + n, ldc, a, aOff, aRow, aCol, panel, pOff, 2 * L, init, initOff + n, initLd, m,
                        k0, k1);
            }
            for (; m < m1; m++) {
                oneRow(c, cOff + n, ldc, a, aOff, aRow, aCol, panel, pOff, 2 * L, init, initOff + n, initLd, m,
                        k0, k1);
                oneRow(c, cOff + n + L, ldc, a, aOff, aRow, aCol, panel, pOff + L, 2 * L, init, initOff + n + L,
                        initLd, m, k0, k1);
            }
        }
        for (; n + L <= n1; n += L) { // the last columns: one vector at a time
            for (int m = m0; m < m1; m++) {
                oneRow(c, cOff + n, ldc, a, aOff, aRow, aCol, b, bOff + n, ldb, init, initOff + n, initLd, m, k0, k1);
            }
        }
        for (; n < n1; n++) { // fewer than L columns left: one element at a time, the same chain of FMAs
            for (int m = m0; m < m1; m++) {
                float sum = init[initOff + m * initLd + n];
                int am = aOff + m * aRow;
                for (int k = k0; k < k1; k++) {
                    sum = Math.fma(a[am + k * aCol], b[bOff + k * ldb + n], sum);
                }
                c[cOff + m * ldc + n] = sum;
            }
        }
    }

    /**
     * c[m..m+7, 0..2L) over k in [k0, k1), the column offset folded into cOff, bOff and initOff: the sum
     * {@code sRJ} belongs to row m+R and vector J.
     */
    private static void tile8x2(float[] c, int cOff, int ldc, float[] a, int aOff, int aRow, int aCol, float[] b,
                                int bOff, int ldb, float[] init, int initOff, int initLd, int m, int k0, int k1) {
        int i0 = initOff + m * initLd;
        FloatVector s00 = FloatVector.fromArray(SPECIES, init, i0);
        FloatVector s01 = FloatVector.fromArray(SPECIES, init, i0 + L);
        FloatVector s10 = FloatVector.fromArray(SPECIES, init, i0 + initLd);
        FloatVector s11 = FloatVector.fromArray(SPECIES, init, i0 + initLd + L);
        FloatVector s20 = FloatVector.fromArray(SPECIES, init, i0 + 2 * initLd);
        FloatVector s21 = FloatVector.fromArray(SPECIES, init, i0 + 2 * initLd + L);
        FloatVector s30 = FloatVector.fromArray(SPECIES, init, i0 + 3 * initLd);
        FloatVector s31 = FloatVector.fromArray(SPECIES, init, i0 + 3 * initLd + L);
        FloatVector s40 = FloatVector.fromArray(SPECIES, init, i0 + 4 * initLd);
        FloatVector s41 = FloatVector.fromArray(SPECIES, init, i0 + 4 * initLd + L);
        FloatVector s50 = FloatVector.fromArray(SPECIES, init, i0 + 5 * initLd);
        FloatVector s51 = FloatVector.fromArray(SPECIES, init, i0 + 5 * initLd + L);
        FloatVector s60 = FloatVector.fromArray(SPECIES, init, i0 + 6 * initLd);
        FloatVector s61 = FloatVector.fromArray(SPECIES, init, i0 + 6 * initLd + L);
        FloatVector s70 = FloatVector.fromArray(SPECIES, init, i0 + 7 * initLd);
        FloatVector s71 = FloatVector.fromArray(SPECIES, init, i0 + 7 * initLd + L);
        int a0 = aOff + m * aRow;
        int bk = bOff + k0 * ldb;
        for (int k = k0; k < k1; k++, bk += ldb) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bk);
            FloatVector b1 = FloatVector.fromArray(SPECIES, b, bk + L);
            int ak = a0 + k * aCol;
            FloatVector x = FloatVector.broadcast(SPECIES, a[ak]);
            s00 = x.fma(b0, s00);
            s01 = x.fma(b1, s01);
            x = FloatVector.broadcast(SPECIES, a[ak + aRow]);
            s10 = x.fma(b0, s10);
            s11 = x.fma(b1, s11);
            x = FloatVector.broadcast(SPECIES, a[ak + 2 * aRow]);
            s20 = x.fma(b0, s20);
            s21 = x.fma(b1, s21);
            x = FloatVector.broadcast(SPECIES, a[ak + 3 * aRow]);
            s30 = x.fma(b0, s30);
            s31 = x.fma(b1, s31);
            x = FloatVector.broadcast(SPECIES, a[ak + 4 * aRow]);
            s40 = x.fma(b0, s40);
            s41 = x.fma(b1, s41);
            x = FloatVector.broadcast(SPECIES, a[ak + 5 * aRow]);
            s50 = x.fma(b0, s50);
            s51 = x.fma(b1, s51);
            x = FloatVector.broadcast(SPECIES, a[ak + 6 * aRow]);
            s60 = x.fma(b0, s60);
            s61 = x.fma(b1, s61);
            x = FloatVector.broadcast(SPECIES, a[ak + 7 * aRow]);
            s70 = x.fma(b0, s70);
            s71 = x.fma(b1, s71);
        }
        int c0 = cOff + m * ldc;
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
        s10.intoArray(c, c0 + ldc);
        s11.intoArray(c, c0 + ldc + L);
        s20.intoArray(c, c0 + 2 * ldc);
        s21.intoArray(c, c0 + 2 * ldc + L);
        s30.intoArray(c, c0 + 3 * ldc);
        s31.intoArray(c, c0 + 3 * ldc + L);
        s40.intoArray(c, c0 + 4 * ldc);
        s41.intoArray(c, c0 + 4 * ldc + L);
        s50.intoArray(c, c0 + 5 * ldc);
        s51.intoArray(c, c0 + 5 * ldc + L);
        s60.intoArray(c, c0 + 6 * ldc);
        s61.intoArray(c, c0 + 6 * ldc + L);
        s70.intoArray(c, c0 + 7 * ldc);
        s71.intoArray(c, c0 + 7 * ldc + L);
    }

    /**
     * c[m, 0..L) over k in [k0, k1), the column offset folded in as in {@link #tile8x2}; each lane the same chain
     * of FMAs.
     */
    private static void oneRow(float[] c, int cOff, int ldc, float[] a, int aOff, int aRow, int aCol, float[] b,
                               int bOff, int ldb, float[] init, int initOff, int initLd, int m, int k0, int k1) {
        FloatVector sum = FloatVector.fromArray(SPECIES, init, initOff + m * initLd);
        int am = aOff + m * aRow;
        int bk = bOff + k0 * ldb;
        for (int k = k0; k < k1; k++, bk += ldb) {
            FloatVector x = FloatVector.broadcast(SPECIES, a[am + k * aCol]);
            sum = x.fma(FloatVector.fromArray(SPECIES, b, bk), sum);
        }
        sum.intoArray(c, cOff + m * ldc);
    }
}
