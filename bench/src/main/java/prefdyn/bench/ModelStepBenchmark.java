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
import prefdyn.reference.engine.BackwardSeeds;
import prefdyn.reference.engine.ForwardResult;
import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.fixtures.RandomBatches;
import prefdyn.reference.model.FlopCount;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.GptInitializer;
import prefdyn.reference.model.GptModel;
import prefdyn.reference.util.Parallel;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * One forward and one full backward of the whole reference model over B = 8 sequences of the full context
 * (512 tokens), seeded on every predicted token's log-prob. {@link #flopsPerStep} counts that step by
 * {@link FlopCount}, so {@code Summary} can state it in GFLOP/s and tokens per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class ModelStepBenchmark {

    @Param({"default", "4x"})
    public String config;

    @Param({"1", "2"})
    public int threads;

    private Parallel parallel;
    private GptModel model;
    private TokenBatch batch;
    private BackwardSeeds seeds;

    @Setup
    public void setUp() {
        parallel = new Parallel(threads);
        GptConfig gpt = ModelSize.of(config).config();
        model = new GptModel(gpt, parallel);
        GptInitializer.initialize(model.layout(), model.parameters(), 1);
        batch = RandomBatches.fullBatch(gpt, ModelSize.BATCH, gpt.contextLength(), 1234);
        seeds = meanOfPredictedTokens(batch);
    }

    @TearDown
    public void tearDown() {
        parallel.close();
    }

    @Benchmark
    public ForwardResult forwardBackward() {
        ForwardResult result = model.forward(batch);
        model.backward(seeds);
        return result;
    }

    /**
     * FLOPs of one {@link #forwardBackward} at {@code size}: the forward of B rows of T positions (with the
     * config's value head) and the backward of the token seeds alone (no value head's backward).
     */
    static long flopsPerStep(ModelSize size) {
        GptConfig gpt = size.config();
        TokenBatch batch = RandomBatches.fullBatch(gpt, ModelSize.BATCH, gpt.contextLength(), 1234);
        return FlopCount.forward(gpt, batch.batchSize(), batch.maxLength())
                + FlopCount.backward(gpt, batch.batchSize(), batch.maxLength(), meanOfPredictedTokens(batch));
    }

    /** The seeds of the mean log-prob of every predicted token (every position after the first). */
    private static BackwardSeeds meanOfPredictedTokens(TokenBatch batch) {
        double[][] tokenSeeds = new double[batch.batchSize()][batch.width()];
        for (double[] row : tokenSeeds) {
            Arrays.fill(row, 1, row.length, -1.0 / (batch.batchSize() * (batch.width() - 1)));
        }
        return BackwardSeeds.ofTokenLogProbs(tokenSeeds);
    }
}
