package prefdyn.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import prefdyn.reference.util.Parallel;
import prefdyn.vector.gemm.PackedGemm;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The vector engine's packed matrix product on one thread, each micro-kernel tile on the same operands
 * ({@code docs/benchmarks.md}, "Register-safe tiles"): c[M,N] = a[M,K]·b[K,N] at GPT-2 small's products for 1024
 * tokens (the fused qkv, the MLP's up and down projections) and one of the default model's (C = 64), both operands
 * row-major, or b read transposed as the input gradient reads Wᵀ. A run with {@code -jvmArgsAppend
 * -XX:UseAVX=2} gives the 16-register case on an AVX-512 machine. GFLOP/s = 2·M·K·N / the score. Runs only
 * through JMH: {@code java -jar bench/target/prefdyn-bench.jar PackedGemm}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// the module in jvmArgsPrepend, so that a command line's -jvmArgsAppend (-XX:UseAVX=2) adds to it
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector"}, jvmArgsAppend = "-Xmx2g")
public class PackedGemmBenchmark {

    @Param({"SIX_BY_THREE", "FOUR_BY_TWO"})
    public String tile;

    /** M×K×N. */
    @Param({"1024x768x2304", "1024x768x3072", "1024x3072x768", "1024x64x192"})
    public String shape;

    /** {@code plain}: b[k,n] at k·N + n; {@code bTransposed}: at k + n·K. */
    @Param({"plain", "bTransposed"})
    public String layout;

    private PackedGemm.Tile chosen;
    private int M;
    private int K;
    private int N;
    private int bRow;
    private int bCol;
    float[] a;          // [M,K]
    float[] b;          // [K,N], or [N,K] when transposed
    private float[] c;  // [M,N]
    private final Parallel one = Parallel.sequential();

    @Setup
    public void setUp() {
        chosen = PackedGemm.Tile.valueOf(tile);
        String[] sizes = shape.split("x");
        M = Integer.parseInt(sizes[0]);
        K = Integer.parseInt(sizes[1]);
        N = Integer.parseInt(sizes[2]);
        boolean transposed = layout.equals("bTransposed");
        bRow = transposed ? 1 : N;
        bCol = transposed ? K : 1;
        Random random = new Random(7);
        a = new float[M * K];
        b = new float[K * N];
        c = new float[M * N];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) random.nextGaussian();
        }
    }

    @Benchmark
    public float[] multiply() {
        PackedGemm.multiply(chosen, one, c, 0, N, a, 0, K, 1, b, 0, bRow, bCol, null, 0, 0, M, K, N);
        return c;
    }
}
