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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import prefdyn.reference.layers.Attention;
import prefdyn.reference.layers.Gelu;
import prefdyn.reference.layers.LayerNorm;
import prefdyn.reference.layers.LmHead;
import prefdyn.reference.layers.LogSoftmax;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.util.Parallel;

import java.util.concurrent.TimeUnit;

/**
 * One call of each float64 reference layer that takes a {@link Parallel} (block 0's shapes, N = 512 rows), on 1
 * and on 2 threads. The layers without a {@code Parallel} (encoder, residual, token gather) are in
 * {@link ReferenceSerialLayerBenchmark}; the twin's same calls in {@link TwinLayerBenchmark}, under the same
 * method names.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class ReferenceLayerBenchmark {

    @Param({"default", "4x"})
    public String config;

    @Param({"1", "2"})
    public int threads;

    private Parallel parallel;
    private ReferenceLayers s;

    @Setup
    public void setUp() {
        parallel = new Parallel(threads);
        s = new ReferenceLayers(ModelSize.of(config), parallel);
    }

    @TearDown
    public void tearDown() {
        parallel.close();
    }

    @Benchmark
    public void layerNormForward() {
        LayerNorm.layerNormForward(parallel, s.ln, s.lnMean, s.lnRstd, s.encoded, s.params, s.lnWeight, s.lnBias,
                s.N, s.C, GptConfig.LAYER_NORM_EPS);
    }

    @Benchmark
    public void layerNormBackward() {
        LayerNorm.layerNormBackward(parallel, s.dinpC, s.grads, s.dC, s.encoded, s.params, s.lnWeight, s.lnBias,
                s.lnMean, s.lnRstd, s.N, s.C);
    }

    @Benchmark
    public void linearQkvForward() {
        s.linearForward(parallel, MatmulShape.QKV);
    }

    @Benchmark
    public void linearQkvBackward() {
        s.linearBackward(parallel, MatmulShape.QKV);
    }

    @Benchmark
    public void linearAttnProjForward() {
        s.linearForward(parallel, MatmulShape.ATTN_PROJ);
    }

    @Benchmark
    public void linearAttnProjBackward() {
        s.linearBackward(parallel, MatmulShape.ATTN_PROJ);
    }

    @Benchmark
    public void linearFcForward() {
        s.linearForward(parallel, MatmulShape.FC);
    }

    @Benchmark
    public void linearFcBackward() {
        s.linearBackward(parallel, MatmulShape.FC);
    }

    @Benchmark
    public void linearFcProjForward() {
        s.linearForward(parallel, MatmulShape.FC_PROJ);
    }

    @Benchmark
    public void linearFcProjBackward() {
        s.linearBackward(parallel, MatmulShape.FC_PROJ);
    }

    @Benchmark
    public void attentionForward() {
        Attention.attentionForward(parallel, s.attOut, s.att, s.qkv, s.B, s.T, s.C, s.H);
    }

    @Benchmark
    public void attentionBackward() {
        Attention.attentionBackward(parallel, s.dqkv, s.dC, s.qkv, s.att, s.B, s.T, s.C, s.H);
    }

    @Benchmark
    public void geluForward() {
        Gelu.geluForward(parallel, s.fcGelu, s.fc, s.N * 4 * s.C);
    }

    @Benchmark
    public void geluBackward() {
        Gelu.geluBackward(parallel, s.dinpFc, s.fc, s.dFc, s.N * 4 * s.C);
    }

    @Benchmark
    public void lmHeadForward() {
        LmHead.lmHeadForward(parallel, s.logits, s.ln, s.params, s.wte, s.N, s.C, s.V);
    }

    @Benchmark
    public void lmHeadBackward() {
        LmHead.lmHeadBackward(parallel, s.dinpC, s.grads, s.dLogits, s.ln, s.params, s.wte, s.N, s.C, s.V);
    }

    @Benchmark
    public void logSoftmaxForward() {
        LogSoftmax.logSoftmaxForward(parallel, s.logProbs, s.logits, s.N, s.V);
    }

    @Benchmark
    public void logSoftmaxBackward() {
        LogSoftmax.logSoftmaxBackward(parallel, s.dinpLogits, s.dLogProbs, s.logProbs, s.N, s.V);
    }
}
