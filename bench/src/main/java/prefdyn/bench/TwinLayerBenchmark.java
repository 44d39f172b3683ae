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
import prefdyn.reference.model.GptConfig;

import java.util.concurrent.TimeUnit;

/**
 * One launch of each float32 twin kernel on data already on the OpenCL device (see {@link TwinLayers}), named like
 * the reference layer benchmarks. Without an OpenCL device the setup throws and JMH reports every benchmark here
 * as failed, with the message that says what to install; nothing falls back to Java threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "--enable-native-access=ALL-UNNAMED",
        "-Dprefdyn.accelerated.gpuSizedArrays=true"})
public class TwinLayerBenchmark {

    @Param({"default", "4x"})
    public String config;

    private TwinLayers s;

    @Setup
    public void setUp() {
        s = new TwinLayers(ModelSize.of(config));
    }

    @TearDown
    public void tearDown() {
        boolean allOnOpenCl = s.device.kernelsRunOnOpenCl();
        s.close();
        if (!allOnOpenCl) {
            throw new IllegalStateException("a twin kernel did not run on OpenCL; the figures are not the twin's");
        }
    }

    @Benchmark
    public void encoderForward() {
        s.device.encoderForward(s.encoded, s.tokens, s.wte, s.wpe, s.B, s.T, s.C);
    }

    @Benchmark
    public void encoderBackward() {
        s.device.encoderBackward(s.wte, s.wpe, s.dC, s.tokens, s.B, s.T, s.C);
    }

    @Benchmark
    public void layerNormForward() {
        s.device.layerNormForward(s.ln, s.lnMean, s.lnRstd, s.encoded, s.lnWeight, s.lnBias, s.N, s.C,
                GptConfig.LAYER_NORM_EPS);
    }

    @Benchmark
    public void layerNormBackward() {
        s.device.layerNormBackward(s.dinpC, s.dC, s.encoded, s.lnWeight, s.lnBias, s.lnMean, s.lnRstd, s.N, s.C);
    }

    @Benchmark
    public void linearQkvForward() {
        s.linearForward(MatmulShape.QKV);
    }

    @Benchmark
    public void linearQkvBackward() {
        s.linearBackward(MatmulShape.QKV);
    }

    @Benchmark
    public void linearAttnProjForward() {
        s.linearForward(MatmulShape.ATTN_PROJ);
    }

    @Benchmark
    public void linearAttnProjBackward() {
        s.linearBackward(MatmulShape.ATTN_PROJ);
    }

    @Benchmark
    public void linearFcForward() {
        s.linearForward(MatmulShape.FC);
    }

    @Benchmark
    public void linearFcBackward() {
        s.linearBackward(MatmulShape.FC);
    }

    @Benchmark
    public void linearFcProjForward() {
        s.linearForward(MatmulShape.FC_PROJ);
    }

    @Benchmark
    public void linearFcProjBackward() {
        s.linearBackward(MatmulShape.FC_PROJ);
    }

    @Benchmark
    public void attentionForward() {
        s.device.attentionForward(s.attOut, s.att, s.qkv, s.B, s.T, s.C, s.H);
    }

    @Benchmark
    public void attentionBackward() {
        s.device.attentionBackward(s.dqkv, s.dC, s.qkv, s.att, s.attScratch, s.B, s.T, s.C, s.H);
    }

    @Benchmark
    public void geluForward() {
        s.device.geluForward(s.fcGelu, s.fc, s.N * 4 * s.C);
    }

    @Benchmark
    public void geluBackward() {
        s.device.geluBackward(s.dinpFc, s.fc, s.dFc, s.N * 4 * s.C);
    }

    @Benchmark
    public void residualForward() {
        s.device.residualForward(s.residual, s.encoded, s.attOut, s.N * s.C);
    }

    @Benchmark
    public void residualBackward() {
        s.device.residualBackward(s.dinpC, s.dinpC2, s.dC, s.N * s.C);
    }

    @Benchmark
    public void lmHeadForward() {
        s.device.lmHeadForward(s.logits, s.ln, s.wte, s.N, s.C, s.V);
    }

    @Benchmark
    public void lmHeadBackward() {
        s.device.lmHeadBackward(s.dinpC, s.dLogits, s.ln, s.wte, s.N, s.C, s.V);
    }

    @Benchmark
    public void logSoftmaxForward() {
        s.device.logSoftmaxForward(s.logProbs, s.logits, s.N, s.V);
    }

    @Benchmark
    public void logSoftmaxBackward() {
        s.device.logSoftmaxBackward(s.dinpLogits, s.dLogProbs, s.logProbs, s.N, s.V);
    }

    @Benchmark
    public void tokenLogProbForward() {
        s.device.tokenLogProbForward(s.tokenLogProbs, s.logProbs, s.tokens, s.lengths, s.B, s.T, s.V);
    }

    @Benchmark
    public void tokenLogProbBackward() {
        s.device.tokenLogProbBackward(s.dinpLogits, s.dTokenLogProbs, s.tokens, s.lengths, s.B, s.T, s.V);
    }
}
