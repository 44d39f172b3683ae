package prefdyn.bench;

import org.ejml.concurrency.EjmlConcurrency;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import prefdyn.reference.util.Parallel;

import java.util.concurrent.TimeUnit;

/**
 * The EJML anchor of {@code docs/benchmarks.md} ("Layers and EJML anchors"): every matrix product of the model (see
 * {@link MatmulShape}), forward and backward, by the reference's plain loops on 1 and 2 threads and by EJML 0.46's
 * dense row-major multiply, single-threaded ({@code CommonOps_DDRM}) and concurrent ({@code CommonOps_MT_DDRM}, limited
 * to 2 threads like the reference), on the same arrays (see {@link MatmulAnchors}). {@code Summary} reports reference /
 * EJML per shape; the goal is a ratio of at most 4 against single-threaded EJML.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class MatmulAnchorBenchmark {

    /** Threads of the concurrent runs, reference and EJML alike. */
    static final int THREADS = 2;

    @Param({"default", "4x"})
    public String config;

    @Param({"qkv", "attn-proj", "fc", "fc-proj", "lm-head"})
    public String shape;

    private MatmulAnchors m;
    private Parallel parallel;

    @Setup
    public void setUp() {
        m = new MatmulAnchors(ModelSize.of(config), MatmulShape.of(shape));
        parallel = new Parallel(THREADS);
        EjmlConcurrency.setMaxThreads(THREADS);
    }

    @TearDown
    public void tearDown() {
        parallel.close();
    }

    @Benchmark
    public void referenceForward() {
        m.referenceForward(Parallel.sequential());
    }

    @Benchmark
    public void referenceBackward() {
        m.referenceBackward(Parallel.sequential());
    }

    @Benchmark
    public void referenceForward2Threads() {
        m.referenceForward(parallel);
    }

    @Benchmark
    public void referenceBackward2Threads() {
        m.referenceBackward(parallel);
    }

    @Benchmark
    public void ejmlForward() {
        m.ejmlForward();
    }

    @Benchmark
    public void ejmlBackward() {
        m.ejmlBackward();
    }

    @Benchmark
    public void ejmlConcurrentForward() {
        m.ejmlConcurrentForward();
    }

    @Benchmark
    public void ejmlConcurrentBackward() {
        m.ejmlConcurrentBackward();
    }
}
