package prefdyn.cli.bench;

import prefdyn.reference.engine.BackwardSeeds;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.fixtures.RandomBatches;
import prefdyn.reference.model.FlopCount;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.util.Parallel;

import java.util.Arrays;

/**
 * Forward + backward throughput of the float64 reference: tokens per second for one full pass over a batch of
 * B sequences × T tokens of the tiny default config, median of repeated runs after warm-up, for 1 thread and for
 * all processors measured in the same run (so their ratio is meaningful on a noisy machine). GFLOP/s is the pass's
 * useful work as {@link FlopCount} counts it.
 *
 * <p>Run: {@code ./mvnw -q -pl reference package -DskipTests && java -cp reference/target/classes
 * prefdyn.reference.bench.ForwardBackwardBenchmark [batch] [repeats]}. This is a benchmark, not a test: it
 * asserts nothing and never runs in {@code ./mvnw verify}.
 */
public final class ForwardBackwardBenchmark {

    private ForwardBackwardBenchmark() {
    }

    public static void main(String[] args) {
        int batchSize = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        GptConfig config = GptConfig.tinyDefault();
        TokenBatch batch = randomBatch(config, batchSize, config.contextLength(), 1234);
        int tokens = batchSize * config.contextLength();
        BackwardSeeds seeds = everyPredictedToken(batch);
        long flopsPerPass = FlopCount.forward(config, batchSize, config.contextLength())
                + FlopCount.backward(config, batchSize, config.contextLength(), seeds);

        System.out.printf("prefdyn reference forward+backward, config C=%d L=%d H=%d T=%d V=%d, batch %d x %d tokens%n",
                config.channels(), config.numLayers(), config.numHeads(), config.contextLength(), config.vocabSize(),
                batchSize, config.contextLength());
        System.out.printf("machine: %s, %d processors, Java %s%n", System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        int[] threadCounts = {1, Runtime.getRuntime().availableProcessors()};
        double[] medians = new double[threadCounts.length];
        for (int i = 0; i < threadCounts.length; i++) {
            try (Parallel parallel = new Parallel(threadCounts[i])) {
                ReferenceEngine engine = ReferenceEngine.initialized(config, 1, parallel);
                double[] seconds = time(engine, batch, seeds, repeats);
                Arrays.sort(seconds);
                double median = seconds[seconds.length / 2];
                medians[i] = tokens / median;
                System.out.printf("threads=%d  median %.1f ms/pass  %.0f tokens/s  (min %.1f ms, max %.1f ms)  %.2f GFLOP/s%n",
                        threadCounts[i], median * 1e3, tokens / median, seconds[0] * 1e3,
                        seconds[seconds.length - 1] * 1e3, flopsPerPass / median / 1e9);
            }
        }
        System.out.printf("ratio threads=%d / threads=1: %.2f%n", threadCounts[1], medians[1] / medians[0]);
    }

    /** A seed of −1 on every token's log-prob after the first (the first has no prediction). */
    private static BackwardSeeds everyPredictedToken(TokenBatch batch) {
        double[][] seeds = new double[batch.batchSize()][batch.width()];
        for (double[] row : seeds) {
            Arrays.fill(row, 1, row.length, -1.0);
        }
        return BackwardSeeds.ofTokenLogProbs(seeds);
    }

    private static double[] time(ReferenceEngine engine, TokenBatch batch, BackwardSeeds backwardSeeds, int repeats) {
        for (int warmup = 0; warmup < 5; warmup++) {
            engine.forward(batch);
            engine.backward(backwardSeeds);
        }
        double[] seconds = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            engine.zeroGradients();
            long start = System.nanoTime();
            engine.forward(batch);
            engine.backward(backwardSeeds);
            seconds[r] = (System.nanoTime() - start) / 1e9;
        }
        return seconds;
    }

    /** {@link RandomBatches#fullBatch}: the batch every benchmark times (the command line's StepBenchmark calls it here). */
    public static TokenBatch randomBatch(GptConfig config, int batchSize, int length, long seed) {
        return RandomBatches.fullBatch(config, batchSize, length, seed);
    }
}
