package prefdyn.vector.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import prefdyn.reference.util.Parallel;

/**
 * The packed, cache-blocked float32 matrix product
 * <pre>
 *   c[m,n] = init[m,n] + Σ_k a[m,k] · b[k,n]        k ascending, one fused multiply-add per term
 * </pre>
 * in the loop structure of Goto &amp; van de Geijn (ACM TOMS 34(3), 2008) as BLIS names it (Van Zee &amp; van de
 * Geijn, ACM TOMS 41(3), 2015): both operands are read through a row and a column stride, so the layers' transposed
 * operands (the input gradient's Wᵀ, the weight gradient's Xᵀ, the LM head's wteᵀ) are read in place and
 * transposed only into the small packed buffers.
 *
 * <h2>Blocks, and why these sizes</h2>
 * The tile of c a micro-kernel keeps in vector registers while k runs is chosen by the registers there are
 * ({@link Tile#forThisMachine}); the cache sizes are those of the machines docs/benchmarks.md describes (32–48 KiB
 * L1d and 1–2 MiB L2 per core); on other machines the sizes stay correct and only the speed changes.
 * <ul>
 *   <li><b>Micro-kernel, {@link Tile#SIX_BY_THREE 6 rows × 3 vectors}</b> where there are 32 vector registers
 *       (AVX-512, every aarch64), {@link Tile#FOUR_BY_TWO 4 rows × 2 vectors} where there are 16 (AVX2). A tile
 *       of R rows × V vectors needs R·V registers for its sums, V for the row of b and, as C2 schedules the loop
 *       (it may issue all R broadcasts of a k step before their FMAs), R for the broadcast a values: 6·3 + 3 + 6 = 27
 *       of 32, 4·2 + 2 + 4 = 14 of 16. A tile past that spills a sum, whose chain of FMAs then runs through memory
 *       (a load, the FMA and a store every k): the former 8 × 3 tile (35) did so even with AVX-512, and under
 *       AVX2 so do 6 × 2 (20) and 5 × 2 (17) — as the JIT's disassembly shows (docs/benchmarks.md). Each k
 *       costs V vector loads of b, R broadcast loads of a and R·V FMAs.</li>
 *   <li><b>k in blocks of {@link Tile#kBlock}</b> (128 for 6 × 3, 256 for 4 × 2): the packed micro-panel of b one
 *       kernel call reads, kBlock × NR floats (24 KiB with AVX-512, 16 KiB with AVX2), stays in L1 together
 *       with the panel of a streaming past it; each sum is stored into c and reloaded between k blocks, exactly,
 *       as a float.</li>
 *   <li><b>Rows in blocks of {@link Tile#rowBlock}</b> (120, a multiple of either tile's rows): the packed block
 *       of a, 60 KiB and 120 KiB, stays in L2 while the loop over column micro-panels re-reads it once per
 *       panel of b.</li>
 *   <li><b>Columns in blocks of {@value #NC}</b> (a divisor of GPT-2's 768, 2304 and 3072, and a multiple of
 *       every tile's width): one task is one rowBlock × NC block of c, so a forward of 1024 rows has 9 row
 *       blocks × 1–4 column blocks, enough for two threads and few enough that each packs a block of a it uses
 *       NC / NR times.</li>
 * </ul>
 * <b>Packing.</b> b is packed once per call, before the tasks, into micro-panels of kBlock × NR floats, k-major and
 * contiguous (rows of b 4 KiB apart would otherwise share L1 sets; a transposed b, read a column at a time, is
 * slow to pack, and packing it again for every block of rows cost 15% of a GPT-2-width step); the packed b of up
 * to {@value #PACKED_B_FLOATS} floats (16 MiB, every GPT-2-small product) is one group of columns, wider b is
 * packed and multiplied a group at a time. Per task and k block, the rows of a go into micro-panels of the tile's
 * rows, k-major (the values of one k adjacent: one broadcast load each). Rows past M and columns past N are packed
 * as zeros, so every kernel call is a whole tile; the last columns of a row use a kernel fewer vectors wide when
 * that is all they need, and an edge tile is computed into a small buffer and only its valid part copied to
 * c.
 *
 * <h2>Determinism</h2>
 * Every element of c is the same chain of fused multiply-adds in ascending k whichever tile, edge buffer or k
 * block computes it (a lane of a vector FMA and {@link Math#fma} both round once; the padded zeros only meet
 * lanes that are thrown away), so the tile, the blocking, the row count of the call and the thread count change
 * no bit: {@link NaiveGemm} gives the same floats. Tasks are fixed rowBlock × NC blocks of c (and, for the packing, fixed
 * micro-panels of b) whatever the thread count, and each writes only its own, as {@link Parallel} asks.
 */
public final class PackedGemm {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    /** Columns of {@link Tile#SIX_BY_THREE}'s tile: the width of a panel of packed b the 6-row kernels read. */
    private static final int NR_6 = 3 * L;
    /** Columns of {@link Tile#FOUR_BY_TWO}'s tile. */
    private static final int NR_4 = 2 * L;
    /** Columns per task: a multiple of every tile's width (48 and 32 with AVX-512, 24 and 16 with AVX2). */
    static final int NC = 768;

    /**
     * The micro-kernel's tile of c: {@code rows} × {@code vectors} vectors of sums held in registers while k runs,
     * with the k block and the row block sized for it (the class comment says why).
     */
    public enum Tile {
        /** 6 rows × 3 vectors, k blocks of 128, row blocks of 120: for 32 vector registers. */
        SIX_BY_THREE(6, 3, 128, 120),
        /** 4 rows × 2 vectors, k blocks of 256, row blocks of 120: for 16 vector registers. */
        FOUR_BY_TWO(4, 2, 256, 120);

        /** Rows of the tile (MR). */
        final int rows;
        /** Columns of the tile (NR): its vectors × the vector length. */
        final int columns;
        /** The k block (KC). */
        final int kBlock;
        /** Rows per task (MC), a multiple of {@link #rows}. */
        final int rowBlock;

        // The vector length is read from the species here, not from PackedGemm's L: a Tile constant built while
        // PackedGemm is not yet initialised would otherwise start PackedGemm's initialisation, which reads
        // forThisMachine() before the constants exist (a null preferred tile).
        Tile(int rows, int vectors, int kBlock, int rowBlock) {
            this.rows = rows;
            this.columns = vectors * FloatVector.SPECIES_PREFERRED.length();
            this.kBlock = kBlock;
            this.rowBlock = rowBlock;
        }

        /**
         * 6 × 3 where the JIT has 32 vector registers (AVX-512 on x86, and every aarch64: NEON and SVE), 4 × 2 where
         * it has 16 (x86 without AVX-512, or a JVM run with {@code -XX:UseAVX=2}): the vector length tells them
         * apart on x86, 16 floats only with AVX-512.
         */
        public static Tile forThisMachine() {
            return FloatVector.SPECIES_PREFERRED.length() >= 16 || "aarch64".equals(System.getProperty("os.arch"))
                    ? SIX_BY_THREE : FOUR_BY_TWO;
        }
    }

    private static final Tile PREFERRED = Tile.forThisMachine();

    /** The most floats of packed b one group of columns takes: 16 MiB. */
    private static final int PACKED_B_FLOATS = 1 << 22;
    /** Each calling thread's packed b, reused across calls. */
    private static final ThreadLocal<float[]> PACKED_B = ThreadLocal.withInitial(() -> new float[0]);
    /** Each thread's packing buffers, reused across calls. */
    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private PackedGemm() {
    }

    /**
     * c[m,n] = init[m,n] + Σ_k a[m,k]·b[k,n] for m in [0, M), n in [0, N), with this machine's tile
     * ({@link Tile#forThisMachine}).
     *
     * @param c       [M,N] at {@code cOff}, row stride {@code ldc}: written; {@code init} may be c itself (same
     *                offset and stride) to accumulate
     * @param a       a[m,k] at {@code aOff + m·aRow + k·aCol}
     * @param b       b[k,n] at {@code bOff + k·bRow + n·bCol}
     * @param init    init[m,n] at {@code initOff + m·initLd + n}; {@code initLd} 0 reads one row (a bias) for every
     *                m; null starts every sum at 0
     */
    public static void multiply(Parallel parallel, float[] c, int cOff, int ldc, float[] a, int aOff, int aRow,
                                int aCol, float[] b, int bOff, int bRow, int bCol, float[] init, int initOff,
                                int initLd, int M, int K, int N) {
        multiply(PREFERRED, parallel, c, cOff, ldc, a, aOff, aRow, aCol, b, bOff, bRow, bCol, init, initOff, initLd,
                M, K, N);
    }

    /**
     * {@link #multiply(Parallel, float[], int, int, float[], int, int, int, float[], int, int, int, float[], int,
     * int, int, int, int) multiply} with a given tile: every tile gives the same bits, so the tests run each on any
     * machine.
     */
    public static void multiply(Tile tile, Parallel parallel, float[] c, int cOff, int ldc, float[] a, int aOff,
                                int aRow, int aCol, float[] b, int bOff, int bRow, int bCol, float[] init,
                                int initOff, int initLd, int M, int K, int N) {
        if (M == 0 || N == 0) {
            return;
        }
        float[] start = init == null ? new float[N] : init;
        int startOff = init == null ? 0 : initOff;
        int startLd = init == null ? 0 : initLd;
        if (K == 0) {
            for (int m = 0; m < M; m++) {
                System.arraycopy(start, startOff + m * startLd, c, cOff + m * ldc, N);
            }
            return;
        }
        int NR = tile.columns;
        int rowBlocks = (M + tile.rowBlock - 1) / tile.rowBlock;
        // columns in groups whose packed b fits the caller's buffer: every GPT-2-small product is one group
        int groupColumns = Math.max(1, PACKED_B_FLOATS / (K * NC)) * NC;
        float[] bp = packedB(Math.min(K * groupColumns, K * ((N + NR - 1) / NR) * NR));
        for (int group = 0; group < N; group += groupColumns) {
            int g0 = group;
            int g1 = Math.min(N, g0 + groupColumns);
            int panels = (g1 - g0 + NR - 1) / NR;
            int kBlocks = (K + tile.kBlock - 1) / tile.kBlock;
            // b's micro-panels packed once, for all the row blocks that read them
            parallel.forEach(kBlocks * panels, task -> {
                int k0 = (task / panels) * tile.kBlock;
                int p = task % panels;
                int n = g0 + p * NR;
                packB(NR, bp, panelOffset(tile, k0, K, p, panels), b, bOff, bRow, bCol, k0,
                        Math.min(K, k0 + tile.kBlock) - k0, n, Math.min(NR, g1 - n));
            });
            int columnBlocks = (g1 - g0 + NC - 1) / NC;
            parallel.forEach(rowBlocks * columnBlocks, task -> {
                int m0 = (task / columnBlocks) * tile.rowBlock;
                int n0 = g0 + (task % columnBlocks) * NC;
                Buffers buffers = BUFFERS.get();
                for (int k0 = 0; k0 < K; k0 += tile.kBlock) {
                    // the first k block starts from init, every later one from the partial sums already in c
                    boolean first = k0 == 0;
                    block(tile, buffers, bp, g0, panels, c, cOff, ldc, a, aOff, aRow, aCol, first ? start : c,
                            first ? startOff : cOff, first ? startLd : ldc, m0, Math.min(M, m0 + tile.rowBlock), n0,
                            Math.min(g1, n0 + NC), k0, Math.min(K, k0 + tile.kBlock), K);
                }
            });
        }
    }

    /**
     * Where micro-panel p of the k block starting at k0 lies in the packed b of a column group of {@code panels}
     * micro-panels: k blocks one after the other, each its panels one after the other, kc × NR floats each.
     */
    private static int panelOffset(Tile tile, int k0, int K, int p, int panels) {
        int kc = Math.min(tile.kBlock, K - k0);
        return (k0 * panels + p * kc) * tile.columns;
    }

    /**
     * The block c[m0..m1, n0..n1) over k in [k0, k1), its sums starting from {@code init}; b packed in {@code bp}
     * for the column group from {@code g0}, of {@code panels} micro-panels.
     */
    private static void block(Tile tile, Buffers buffers, float[] bp, int g0, int panels, float[] c, int cOff,
                              int ldc, float[] a, int aOff, int aRow, int aCol, float[] init, int initOff,
                              int initLd, int m0, int m1, int n0, int n1, int k0, int k1, int K) {
        int kc = k1 - k0;
        int MR = tile.rows;
        int NR = tile.columns;
        float[] ap = buffers.a;
        float[] buffer = buffers.tile;
        packA(MR, ap, a, aOff, aRow, aCol, m0, m1, k0, kc);
        for (int n = n0; n < n1; n += NR) {
            int width = Math.min(NR, n1 - n);
            int vectors = (width + L - 1) / L;
            int bpOff = panelOffset(tile, k0, K, (n - g0) / NR, panels);
            for (int m = m0; m < m1; m += MR) {
                int height = Math.min(MR, m1 - m);
                int apOff = (m - m0) * kc; // micro-panel (m − m0)/MR starts at (m − m0)/MR · MR · kc
                if (height == MR && width == vectors * L) {
                    tile(tile, vectors, ap, apOff, bp, bpOff, kc, init, initOff + m * initLd + n, initLd, c,
                            cOff + m * ldc + n, ldc);
                    continue;
                }
                // an edge tile: its valid part into the buffer, a whole tile computed there, the valid part back
                for (int r = 0; r < height; r++) {
                    System.arraycopy(init, initOff + (m + r) * initLd + n, buffer, r * NR, width);
                }
                tile(tile, vectors, ap, apOff, bp, bpOff, kc, buffer, 0, NR, buffer, 0, NR);
                for (int r = 0; r < height; r++) {
                    System.arraycopy(buffer, r * NR, c, cOff + (m + r) * ldc + n, width);
                }
            }
        }
    }

    /** The calling thread's buffer for packed b, of at least {@code floats}: grown when a call needs more. */
    private static float[] packedB(int floats) {
        float[] buffer = PACKED_B.get();
        if (buffer.length < floats) {
            buffer = new float[floats];
            PACKED_B.set(buffer);
        }
        return buffer;
    }

    /**
     * ap[p·MR·kc + k·MR + r] = a[m0 + p·MR + r, k0 + k], rows at or past m1 as zeros: the rows of the block in
     * micro-panels of MR, the MR values of one k adjacent.
     */
    private static void packA(int MR, float[] ap, float[] a, int aOff, int aRow, int aCol, int m0, int m1, int k0,
                              int kc) {
        for (int p = 0; m0 + p * MR < m1; p++) {
            int base = p * MR * kc;
            int rows = Math.min(MR, m1 - m0 - p * MR);
            int from = aOff + (m0 + p * MR) * aRow + k0 * aCol;
            if (aRow == 1 && rows == MR) { // a transposed operand: the MR values of one k are adjacent already
                for (int k = 0; k < kc; k++) {
                    System.arraycopy(a, from + k * aCol, ap, base + k * MR, MR);
                }
                continue;
            }
            for (int r = 0; r < MR; r++) { // a row at a time: contiguous in k when a is row-major
                if (r >= rows) {
                    for (int k = 0; k < kc; k++) {
                        ap[base + k * MR + r] = 0f;
                    }
                    continue;
                }
                int row = from + r * aRow;
                for (int k = 0; k < kc; k++) {
                    ap[base + k * MR + r] = a[row + k * aCol];
                }
            }
        }
    }

    /**
     * bp[to + k·NR + j] = b[k0 + k, n + j] for j below width, zeros beyond: one micro-panel of b, k-major.
     */
    private static void packB(int NR, float[] bp, int to, float[] b, int bOff, int bRow, int bCol, int k0, int kc,
                              int n, int width) {
        if (bCol == 1 && width == NR) { // rows of b contiguous: whole vectors
            for (int k = 0; k < kc; k++) {
                int from = bOff + (k0 + k) * bRow + n;
                int row = to + k * NR;
                for (int j = 0; j < NR; j += L) {
                    FloatVector.fromArray(SPECIES, b, from + j).intoArray(bp, row + j);
                }
            }
            return;
        }
        for (int j = 0; j < NR; j++) { // a column of b at a time: contiguous in k when b is a transposed operand
            if (j >= width) {
                for (int k = 0; k < kc; k++) {
                    bp[to + k * NR + j] = 0f;
                }
                continue;
            }
            int from = bOff + k0 * bRow + (n + j) * bCol;
            for (int k = 0; k < kc; k++) {
                bp[to + k * NR + j] = b[from + k * bRow];
            }
        }
    }

    /**
     * One tile of c, {@code vectors} (1 to the tile's vectors) vectors wide: the micro-kernel, or a narrower one for
     * the last columns (N = 64 with AVX-512 is 6 × 3 and 6 × 1 tiles, not two 6 × 3 ones, one of them two-thirds
     * padding).
     */
    private static void tile(Tile tile, int vectors, float[] ap, int apOff, float[] bp, int bpOff, int kc,
                             float[] init, int i0, int initLd, float[] c, int c0, int ldc) {
        if (tile == Tile.FOUR_BY_TWO) {
            if (vectors == 2) {
                kernel4x2(ap, apOff, bp, bpOff, kc, init, i0, initLd, c, c0, ldc);
            } else {
                kernel4x1(ap, apOff, bp, bpOff, kc, init, i0, initLd, c, c0, ldc);
            }
        } else if (vectors == 3) {
            kernel6x3(ap, apOff, bp, bpOff, kc, init, i0, initLd, c, c0, ldc);
        } else if (vectors == 2) {
            kernel6x2(ap, apOff, bp, bpOff, kc, init, i0, initLd, c, c0, ldc);
        } else {
            kernel6x1(ap, apOff, bp, bpOff, kc, init, i0, initLd, c, c0, ldc);
        }
    }

    /**
     * The 6 × 3 micro-kernel: c[0..6, 0..3L) at {@code c0} (row stride ldc) = init + Σ_k ap-panel[k, r]·bp[k, j]
     * over the kc values of k in the packed panels (a panel of b is {@link #NR_6} floats wide); the sum {@code sRJ}
     * belongs to row R and vector J. Written out, not looped, so that the JIT keeps the 18 sums in registers.
     */
    private static void kernel6x3(float[] ap, int apOff, float[] bp, int bpOff, int kc, float[] init, int i0,
                                  int initLd, float[] c, int c0, int ldc) {
        FloatVector s00 = FloatVector.fromArray(SPECIES, init, i0);
        FloatVector s01 = FloatVector.fromArray(SPECIES, init, i0 + L);
        FloatVector s02 = FloatVector.fromArray(SPECIES, init, i0 + 2 * L);
        FloatVector s10 = FloatVector.fromArray(SPECIES, init, i0 + initLd);
        FloatVector s11 = FloatVector.fromArray(SPECIES, init, i0 + initLd + L);
        FloatVector s12 = FloatVector.fromArray(SPECIES, init, i0 + initLd + 2 * L);
        FloatVector s20 = FloatVector.fromArray(SPECIES, init, i0 + 2 * initLd);
        FloatVector s21 = FloatVector.fromArray(SPECIES, init, i0 + 2 * initLd + L);
        FloatVector s22 = FloatVector.fromArray(SPECIES, init, i0 + 2 * initLd + 2 * L);
        FloatVector s30 = FloatVector.fromArray(SPECIES, init, i0 + 3 * initLd);
        FloatVector s31 = FloatVector.fromArray(SPECIES, init, i0 + 3 * initLd + L);
        FloatVector s32 = FloatVector.fromArray(SPECIES, init, i0 + 3 * initLd + 2 * L);
        FloatVector s40 = FloatVector.fromArray(SPECIES, init, i0 + 4 * initLd);
        FloatVector s41 = FloatVector.fromArray(SPECIES, init, i0 + 4 * initLd + L);
        FloatVector s42 = FloatVector.fromArray(SPECIES, init, i0 + 4 * initLd + 2 * L);
        FloatVector s50 = FloatVector.fromArray(SPECIES, init, i0 + 5 * initLd);
        FloatVector s51 = FloatVector.fromArray(SPECIES, init, i0 + 5 * initLd + L);
        FloatVector s52 = FloatVector.fromArray(SPECIES, init, i0 + 5 * initLd + 2 * L);
        for (int k = 0; k < kc; k++) {
            int bk = bpOff + k * NR_6;
            int ak = apOff + k * 6;
            FloatVector b0 = FloatVector.fromArray(SPECIES, bp, bk);
            FloatVector b1 = FloatVector.fromArray(SPECIES, bp, bk + L);
            FloatVector b2 = FloatVector.fromArray(SPECIES, bp, bk + 2 * L);
            FloatVector x = FloatVector.broadcast(SPECIES, ap[ak]);
            s00 = x.fma(b0, s00);
            s01 = x.fma(b1, s01);
            s02 = x.fma(b2, s02);
            x = FloatVector.broadcast(SPECIES, ap[ak + 1]);
            s10 = x.fma(b0, s10);
            s11 = x.fma(b1, s11);
            s12 = x.fma(b2, s12);
            x = FloatVector.broadcast(SPECIES, ap[ak + 2]);
            s20 = x.fma(b0, s20);
            s21 = x.fma(b1, s21);
            s22 = x.fma(b2, s22);
            x = FloatVector.broadcast(SPECIES, ap[ak + 3]);
            s30 = x.fma(b0, s30);
            s31 = x.fma(b1, s31);
            s32 = x.fma(b2, s32);
            x = FloatVector.broadcast(SPECIES, ap[ak + 4]);
            s40 = x.fma(b0, s40);
            s41 = x.fma(b1, s41);
            s42 = x.fma(b2, s42);
            x = FloatVector.broadcast(SPECIES, ap[ak + 5]);
            s50 = x.fma(b0, s50);
            s51 = x.fma(b1, s51);
            s52 = x.fma(b2, s52);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
        s02.intoArray(c, c0 + 2 * L);
        s10.intoArray(c, c0 + ldc);
        s11.intoArray(c, c0 + ldc + L);
        s12.intoArray(c, c0 + ldc + 2 * L);
        s20.intoArray(c, c0 + 2 * ldc);
        s21.intoArray(c, c0 + 2 * ldc + L);
        s22.intoArray(c, c0 + 2 * ldc + 2 * L);
        s30.intoArray(c, c0 + 3 * ldc);
        s31.intoArray(c, c0 + 3 * ldc + L);
        s32.intoArray(c, c0 + 3 * ldc + 2 * L);
        s40.intoArray(c, c0 + 4 * ldc);
        s41.intoArray(c, c0 + 4 * ldc + L);
        s42.intoArray(c, c0 + 4 * ldc + 2 * L);
        s50.intoArray(c, c0 + 5 * ldc);
        s51.intoArray(c, c0 + 5 * ldc + L);
        s52.intoArray(c, c0 + 5 * ldc + 2 * L);
    }

    /** {@link #kernel6x3} two vectors wide. */
    private static void kernel6x2(float[] ap, int apOff, float[] bp, int bpOff, int kc, float[] init, int i0,
                                  int initLd, float[] c, int c0, int ldc) {
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
        for (int k = 0; k < kc; k++) {
            int bk = bpOff + k * NR_6;
            int ak = apOff + k * 6;
            FloatVector b0 = FloatVector.fromArray(SPECIES, bp, bk);
            FloatVector b1 = FloatVector.fromArray(SPECIES, bp, bk + L);
            FloatVector x = FloatVector.broadcast(SPECIES, ap[ak]);
            s00 = x.fma(b0, s00);
            s01 = x.fma(b1, s01);
            x = FloatVector.broadcast(SPECIES, ap[ak + 1]);
            s10 = x.fma(b0, s10);
            s11 = x.fma(b1, s11);
            x = FloatVector.broadcast(SPECIES, ap[ak + 2]);
            s20 = x.fma(b0, s20);
            s21 = x.fma(b1, s21);
            x = FloatVector.broadcast(SPECIES, ap[ak + 3]);
            s30 = x.fma(b0, s30);
            s31 = x.fma(b1, s31);
            x = FloatVector.broadcast(SPECIES, ap[ak + 4]);
            s40 = x.fma(b0, s40);
            s41 = x.fma(b1, s41);
            x = FloatVector.broadcast(SPECIES, ap[ak + 5]);
            s50 = x.fma(b0, s50);
            s51 = x.fma(b1, s51);
        }
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
    }

    /** {@link #kernel6x3} one vector wide. */
    private static void kernel6x1(float[] ap, int apOff, float[] bp, int bpOff, int kc, float[] init, int i0,
                                  int initLd, float[] c, int c0, int ldc) {
        FloatVector s00 = FloatVector.fromArray(SPECIES, init, i0);
        FloatVector s10 = FloatVector.fromArray(SPECIES, init, i0 + initLd);
        FloatVector s20 = FloatVector.fromArray(SPECIES, init, i0 + 2 * initLd);
        FloatVector s30 = FloatVector.fromArray(SPECIES, init, i0 + 3 * initLd);
        FloatVector s40 = FloatVector.fromArray(SPECIES, init, i0 + 4 * initLd);
        FloatVector s50 = FloatVector.fromArray(SPECIES, init, i0 + 5 * initLd);
        for (int k = 0; k < kc; k++) {
            int bk = bpOff + k * NR_6;
            int ak = apOff + k * 6;
            FloatVector b0 = FloatVector.fromArray(SPECIES, bp, bk);
            s00 = FloatVector.broadcast(SPECIES, ap[ak]).fma(b0, s00);
            s10 = FloatVector.broadcast(SPECIES, ap[ak + 1]).fma(b0, s10);
            s20 = FloatVector.broadcast(SPECIES, ap[ak + 2]).fma(b0, s20);
            s30 = FloatVector.broadcast(SPECIES, ap[ak + 3]).fma(b0, s30);
            s40 = FloatVector.broadcast(SPECIES, ap[ak + 4]).fma(b0, s40);
            s50 = FloatVector.broadcast(SPECIES, ap[ak + 5]).fma(b0, s50);
        }
        s00.intoArray(c, c0);
        s10.intoArray(c, c0 + ldc);
        s20.intoArray(c, c0 + 2 * ldc);
        s30.intoArray(c, c0 + 3 * ldc);
        s40.intoArray(c, c0 + 4 * ldc);
        s50.intoArray(c, c0 + 5 * ldc);
    }

    /**
     * The 4 × 2 micro-kernel, {@link #kernel6x3}'s sums for 4 rows and 2 vectors (a panel of b {@link #NR_4} floats
     * wide): 8 sums, 2 of b and 4 broadcasts, 14 of 16 vector registers.
     */
    private static void kernel4x2(float[] ap, int apOff, float[] bp, int bpOff, int kc, float[] init, int i0,
                                  int initLd, float[] c, int c0, int ldc) {
        FloatVector s00 = FloatVector.fromArray(SPECIES, init, i0);
        FloatVector s01 = FloatVector.fromArray(SPECIES, init, i0 + L);
        FloatVector s10 = FloatVector.fromArray(SPECIES, init, i0 + initLd);
        FloatVector s11 = FloatVector.fromArray(SPECIES, init, i0 + initLd + L);
        FloatVector s20 = FloatVector.fromArray(SPECIES, init, i0 + 2 * initLd);
        FloatVector s21 = FloatVector.fromArray(SPECIES, init, i0 + 2 * initLd + L);
        FloatVector s30 = FloatVector.fromArray(SPECIES, init, i0 + 3 * initLd);
        FloatVector s31 = FloatVector.fromArray(SPECIES, init, i0 + 3 * initLd + L);
        for (int k = 0; k < kc; k++) {
            int bk = bpOff + k * NR_4;
            int ak = apOff + k * 4;
            FloatVector b0 = FloatVector.fromArray(SPECIES, bp, bk);
            FloatVector b1 = FloatVector.fromArray(SPECIES, bp, bk + L);
            FloatVector x = FloatVector.broadcast(SPECIES, ap[ak]);
            s00 = x.fma(b0, s00);
            s01 = x.fma(b1, s01);
            x = FloatVector.broadcast(SPECIES, ap[ak + 1]);
            s10 = x.fma(b0, s10);
            s11 = x.fma(b1, s11);
            x = FloatVector.broadcast(SPECIES, ap[ak + 2]);
            s20 = x.fma(b0, s20);
            s21 = x.fma(b1, s21);
            x = FloatVector.broadcast(SPECIES, ap[ak + 3]);
            s30 = x.fma(b0, s30);
            s31 = x.fma(b1, s31);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
        s10.intoArray(c, c0 + ldc);
        s11.intoArray(c, c0 + ldc + L);
        s20.intoArray(c, c0 + 2 * ldc);
        s21.intoArray(c, c0 + 2 * ldc + L);
        s30.intoArray(c, c0 + 3 * ldc);
        s31.intoArray(c, c0 + 3 * ldc + L);
    }

    /** {@link #kernel4x2} one vector wide. */
    private static void kernel4x1(float[] ap, int apOff, float[] bp, int bpOff, int kc, float[] init, int i0,
                                  int initLd, float[] c, int c0, int ldc) {
        FloatVector s00 = FloatVector.fromArray(SPECIES, init, i0);
        FloatVector s10 = FloatVector.fromArray(SPECIES, init, i0 + initLd);
        FloatVector s20 = FloatVector.fromArray(SPECIES, init, i0 + 2 * initLd);
        FloatVector s30 = FloatVector.fromArray(SPECIES, init, i0 + 3 * initLd);
        for (int k = 0; k < kc; k++) {
            int bk = bpOff + k * NR_4;
            int ak = apOff + k * 4;
            FloatVector b0 = FloatVector.fromArray(SPECIES, bp, bk);
            s00 = FloatVector.broadcast(SPECIES, ap[ak]).fma(b0, s00);
            s10 = FloatVector.broadcast(SPECIES, ap[ak + 1]).fma(b0, s10);
            s20 = FloatVector.broadcast(SPECIES, ap[ak + 2]).fma(b0, s20);
            s30 = FloatVector.broadcast(SPECIES, ap[ak + 3]).fma(b0, s30);
        }
        s00.intoArray(c, c0);
        s10.intoArray(c, c0 + ldc);
        s20.intoArray(c, c0 + 2 * ldc);
        s30.intoArray(c, c0 + 3 * ldc);
    }

    /** One thread's packing buffers, large enough for every tile. */
    private static final class Buffers {
        final float[] a;     // [rowBlock/rows][kBlock][rows] of the tile that needs the most
        final float[] tile;  // [rows, columns] likewise

        Buffers() {
            int aFloats = 0;
            int tileFloats = 0;
            for (Tile t : Tile.values()) {
                aFloats = Math.max(aFloats, t.rowBlock * t.kBlock);
                tileFloats = Math.max(tileFloats, t.rows * t.columns);
            }
            a = new float[aFloats];
            tile = new float[tileFloats];
        }
    }
}
