package prefdyn.oracle;

import net.jqwik.api.Example;
import prefdyn.reference.util.Parallel;
import prefdyn.vector.gemm.NaiveGemm;
import prefdyn.vector.gemm.PackedGemm;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The vector engine's packed, cache-blocked matrix product ({@link PackedGemm}): a hand-computed product, then
 * the same floats as {@link NaiveGemm}'s triple loop, to the bit, on shapes that are not multiples of the vector
 * length, the micro-kernel's tile or the cache blocks, at 1 and 3 threads; then the linear layer and the LM head
 * that run on it against the float64 reference on such shapes, under {@link VectorTolerances}.
 * {@link VectorKernelPairTest}'s random shapes (I, O ≤ 70) stay inside one block; these cross them.
 */
class VectorGemmTest {

    private static final Parallel ONE = Parallel.sequential();

    /**
     * [1 2 3; 4 5 6] · [7 8; 9 10; 11 12] = [58 64; 139 154]; from a bias row (100, 200), from c's own values (1),
     * and with both operands stored transposed and read through their strides.
     */
    @Example
    void aTwoByThreeTimesAThreeByTwo() {
        float[] a = {1, 2, 3, 4, 5, 6};        // [2,3]
        float[] b = {7, 8, 9, 10, 11, 12};     // [3,2]
        float[] c = new float[4];              // [2,2]
        PackedGemm.multiply(ONE, c, 0, 2, a, 0, 3, 1, b, 0, 2, 1, null, 0, 0, 2, 3, 2);
        assertThat(c).containsExactly(58, 64, 139, 154);
        PackedGemm.multiply(ONE, c, 0, 2, a, 0, 3, 1, b, 0, 2, 1, new float[] {100, 200}, 0, 0, 2, 3, 2);
        assertThat(c).containsExactly(158, 264, 239, 354);
        float[] ones = {1, 1, 1, 1};
        PackedGemm.multiply(ONE, ones, 0, 2, a, 0, 3, 1, b, 0, 2, 1, ones, 0, 2, 2, 3, 2);
        assertThat(ones).containsExactly(59, 65, 140, 155);
        float[] aT = {1, 4, 2, 5, 3, 6};       // [3,2] = aᵀ: a[m,k] at m + 2k
        float[] bT = {7, 9, 11, 8, 10, 12};    // [2,3] = bᵀ: b[k,n] at k + 3n
        float[] cT = new float[4];
        PackedGemm.multiply(ONE, cT, 0, 2, aT, 0, 1, 2, bT, 0, 1, 3, null, 0, 0, 2, 3, 2);
        assertThat(cT).containsExactly(58, 64, 139, 154);
        float[] naive = new float[4];
        NaiveGemm.multiply(naive, 0, 2, aT, 0, 1, 2, bT, 0, 1, 3, null, 0, 0, 2, 3, 2);
        assertThat(naive).containsExactly(58, 64, 139, 154);
        PackedGemm.multiply(ONE, c, 0, 2, a, 0, 3, 1, b, 0, 2, 1, null, 0, 0, 2, 0, 2); // K = 0: c = init
        assertThat(c).containsExactly(0, 0, 0, 0);
    }

    /**
     * Bit for bit the naive loop's floats, with each tile whatever this machine's registers: M, K and N on both
     * sides of the tile (6 rows × 3 vectors, 4 rows × 2 vectors), the k block, the row and column blocks and the
     * group of columns whose b is packed at once; each operand stored plain or transposed; the sums starting from 0, a bias row or c itself; at 1 and 3 threads; c inside a larger array
     * at an offset, with a wider row stride. (The elements around c are compared too: they stay untouched.)
     */
    @Example
    void everyShapeGivesTheNaiveLoopsBits() {
        // the last but one: K · 768 columns is more than the 2²² floats of packed b, so two groups of columns
        int[][] shapes = {{1, 1, 1}, {7, 5, 3}, {9, 17, 49}, {8, 129, 48}, {23, 300, 97}, {137, 131, 50},
            {130, 257, 801}, {17, 5600, 800}, {16, 0, 5}};
        Random random = new Random(6211);
        try (Parallel three = new Parallel(3)) {
            int variant = 0;
            for (int[] shape : shapes) {
                int M = shape[0];
                int K = shape[1];
                int N = shape[2];
                for (int layout = 0; layout < 4; layout++, variant++) {
                    boolean aTransposed = (layout & 1) != 0;
                    boolean bTransposed = (layout & 2) != 0;
                    float[] a = floats(random, 3 + M * K);
                    float[] b = floats(random, 5 + K * N);
                    int aRow = aTransposed ? 1 : K;
                    int aCol = aTransposed ? M : 1;
                    int bRow = bTransposed ? 1 : N;
                    int bCol = bTransposed ? K : 1;
                    int ldc = N + 2;
                    int cOff = 7;
                    float[] c = floats(random, cOff + M * ldc + 4);
                    int start = variant % 3; // 0: from 0, 1: from a bias row, 2: from c
                    float[] bias = floats(random, N + 1);
                    float[] expected = c.clone();
                    float[] init = start == 0 ? null : start == 1 ? bias : expected;
                    int initOff = start == 1 ? 1 : cOff;
                    int initLd = start == 2 ? ldc : 0;
                    NaiveGemm.multiply(expected, cOff, ldc, a, 3, aRow, aCol, b, 5, bRow, bCol, init, initOff,
                            initLd, M, K, N);
                    for (PackedGemm.Tile tile : PackedGemm.Tile.values()) {
                        for (Parallel parallel : new Parallel[] {ONE, three}) {
                            float[] actual = c.clone();
                            PackedGemm.multiply(tile, parallel, actual, cOff, ldc, a, 3, aRow, aCol, b, 5, bRow,
                                    bCol, start == 0 ? null : start == 1 ? bias : actual, initOff, initLd, M, K, N);
                            assertThat(actual).as("M %d K %d N %d, a transposed %b, b transposed %b, start %d, "
                                    + "tile %s, %d threads", M, K, N, aTransposed, bTransposed, start, tile,
                                    parallel.threads()).isEqualTo(expected);
                        }
                    }
                }
            }
        }
    }

    /**
     * The linear layer on the packed product against the float64 reference, forward and every gradient, on shapes
     * past the blocks (N ≥ 16 rows, so the product is the packed one): 133 × 259 → 197, and 37 × 131 → 801
     * (more than one block of columns).
     */
    @Example
    void theLinearLayerMatchesTheReferencePastTheBlocks() {
        int[][] shapes = {{133, 259, 197}, {37, 131, 801}};
        Random random = new Random(6221);
        try (Parallel two = new Parallel(2)) {
            for (int[] shape : shapes) {
                int N = shape[0];
                int I = shape[1];
                int O = shape[2];
                String at = " at N " + N + ", I " + I + ", O " + O;
                double[] inp = doubles(random, N * I);
                double[] params = doubles(random, I * O + O);
                double[] dout = doubles(random, N * O);
                double[] dinp = doubles(random, N * I);
                double[] grads = doubles(random, I * O + O);
                double[] out = new double[N * O];
                prefdyn.reference.layers.Linear.linearForward(two, out, inp, params, 0, I * O, N, I, O);
                float[] outF = new float[N * O];
                prefdyn.vector.layers.Linear.linearForward(two, outF, f(inp), f(params), 0, I * O, N, I, O);
                Differences.assertClose("linearForward out" + at, out, outF, VectorTolerances.kernel(
                        "linearForward"));
                float[] dinpF = f(dinp);
                float[] gradsF = f(grads);
                prefdyn.reference.layers.Linear.linearBackward(two, dinp, grads, dout, inp, params, 0, I * O, N, I,
                        O);
                prefdyn.vector.layers.Linear.linearBackward(two, dinpF, gradsF, f(dout), f(inp), f(params), 0,
                        I * O, N, I, O);
                Differences.assertClose("linearBackward dinp" + at, dinp, dinpF, VectorTolerances.kernel(
                        "linearBackward"));
                Differences.assertClose("linearBackward grads" + at, grads, gradsF, VectorTolerances.kernel(
                        "linearBackward"));
            }
        }
    }

    /** The LM head on the packed product against the reference: 67 rows, C = 131, V = 257. */
    @Example
    void theLmHeadMatchesTheReferencePastTheBlocks() {
        int N = 67;
        int C = 131;
        int V = 257;
        Random random = new Random(6231);
        double[] inp = doubles(random, N * C);
        double[] params = doubles(random, V * C);
        double[] dlogits = doubles(random, N * V);
        double[] dinp = doubles(random, N * C);
        double[] grads = doubles(random, V * C);
        try (Parallel two = new Parallel(2)) {
            double[] logits = new double[N * V];
            prefdyn.reference.layers.LmHead.lmHeadForward(two, logits, inp, params, 0, N, C, V);
            float[] logitsF = new float[N * V];
            prefdyn.vector.layers.LmHead.lmHeadForward(two, logitsF, f(inp), f(params), 0, N, C, V);
            Differences.assertClose("lmHeadForward logits", logits, logitsF, VectorTolerances.kernel(
                    "lmHeadForward"));
            float[] dinpF = f(dinp);
            float[] gradsF = f(grads);
            prefdyn.reference.layers.LmHead.lmHeadBackward(two, dinp, grads, dlogits, inp, params, 0, N, C, V);
            prefdyn.vector.layers.LmHead.lmHeadBackward(two, dinpF, gradsF, f(dlogits), f(inp), f(params), 0, N, C,
                    V);
            Differences.assertClose("lmHeadBackward dinp", dinp, dinpF, VectorTolerances.kernel("lmHeadBackward"));
            Differences.assertClose("lmHeadBackward grads", grads, gradsF, VectorTolerances.kernel(
                    "lmHeadBackward"));
        }
    }

    private static float[] floats(Random random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    /** Gaussian values that are floats exactly, so that both engines start from the same numbers. */
    private static double[] doubles(Random random, int n) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    private static float[] f(double[] values) {
        return Differences.toFloat(values);
    }
}
