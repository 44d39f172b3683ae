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
import prefdyn.reference.layers.Encoder;
import prefdyn.reference.layers.Residual;
import prefdyn.reference.layers.TokenLogProb;
import prefdyn.reference.util.Parallel;

import java.util.concurrent.TimeUnit;

/**
 * The reference layers that run on the calling thread only (they take no {@code Parallel}: each is a single pass
 * over its data): encoder, residual, the token gather. Same method names as in {@link TwinLayerBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class ReferenceSerialLayerBenchmark {

    @Param({"default", "4x"})
    public String config;

    private ReferenceLayers s;

    @Setup
    public void setUp() {
        s = new ReferenceLayers(ModelSize.of(config), Parallel.sequential());
    }

    @Benchmark
    public void encoderForward() {
        Encoder.encoderForward(s.encoded, s.tokens, s.params, s.wte, s.wpe, s.B, s.T, s.C);
    }

    @Benchmark
    public void encoderBackward() {
        Encoder.encoderBackward(s.grads, s.wte, s.wpe, s.dC, s.tokens, s.B, s.T, s.C);
    }

    @Benchmark
    public void residualForward() {
        Residual.residualForward(s.residual, s.encoded, s.attOut, s.N * s.C);
    }

    @Benchmark
    public void residualBackward() {
        Residual.residualBackward(s.dinpC, s.dinpC2, s.dC, s.N * s.C);
    }

    @Benchmark
    public void tokenLogProbForward() {
        TokenLogProb.tokenLogProbForward(s.tokenLogProbs, s.logProbs, s.tokens, s.lengths, s.B, s.T, s.V);
    }

    @Benchmark
    public void tokenLogProbBackward() {
        TokenLogProb.tokenLogProbBackward(s.dinpLogits, s.dTokenLogProbs, s.tokens, s.lengths, s.B, s.T, s.V);
    }
}
