package prefdyn.cli.bench;

import prefdyn.accelerated.AcceleratedEngine;
import prefdyn.accelerated.kernels.FallbackPolicy;
import prefdyn.cli.bench.ForwardBackwardBenchmark;
import prefdyn.reference.dpo.DpoSettings;
import prefdyn.reference.dpo.DpoTrainer;
import prefdyn.reference.dpo.PreferenceExample;
import prefdyn.reference.engine.BackwardSeeds;
import prefdyn.reference.engine.PolicyEngine;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.fixtures.RandomBatches;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.GptInitializer;
import prefdyn.reference.model.GptModel;
import prefdyn.reference.model.ParameterLayout;
import prefdyn.reference.train.TrainingSettings;
import prefdyn.reference.util.Parallel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The twin against the reference, measured in the same run so their ratio means something on a noisy machine:
 * <ol>
 *   <li>one forward + one full backward of the tiny default config (V = 257, C = 64, L = 2, H = 4, T = 64) on a
 *       batch of B × 64 tokens, seeded on every log-prob;</li>
 *   <li>one full DPO step with the real {@code DpoTrainer}: forward of B/2 pairs (chosen and rejected rows), one
 *       backward pass of the summed seeds (the trainer's default; no component norms), clipping and AdamW.</li>
 * </ol>
 * Medians of repeated runs after warm-up; the reference runs on all processors. It prints the OpenCL device, and
 * refuses to report twin numbers unless every kernel ran on it.
 *
 * <p>Run: {@code java -cp … prefdyn.accelerated.bench.TwinBenchmark [batch] [repeats]} (defaults 8 and 15). A
 * benchmark, not a test: it never runs in {@code ./mvnw verify}.
 */
public final class TwinBenchmark {

    private TwinBenchmark() {
    }

    public static void main(String[] args) {
        if (System.getProperty("com.aparapi.logLevel") == null) {
            System.setProperty("com.aparapi.logLevel", "SEVERE");
        }
        int batchSize = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        GptConfig config = GptConfig.tinyDefault();
        ParameterLayout layout = new ParameterLayout(config);
        double[] params = new double[layout.size()];
        GptInitializer.initialize(layout, params, 1);
        int threads = Runtime.getRuntime().availableProcessors();

        try (Parallel parallel = new Parallel(threads);
             AcceleratedEngine twin = new AcceleratedEngine(config, params, FallbackPolicy.FAIL_FAST)) {
            System.out.printf("prefdyn twin benchmark: tiny default config (C=%d L=%d H=%d T=%d V=%d, %,d parameters)%n",
                    config.channels(), config.numLayers(), config.numHeads(), config.contextLength(),
                    config.vocabSize(), layout.size());
            System.out.printf("twin device: %s%n", twin.deviceDescription());
            System.out.printf("reference: float64 on %d thread(s); %s, Java %s%n", threads,
                    System.getProperty("os.arch"), System.getProperty("java.version"));
            ReferenceEngine reference = new ReferenceEngine(new GptModel(config, parallel));
            reference.setParameters(params);

            TokenBatch batch = RandomBatches.fullBatch(config, batchSize, config.contextLength(), 1234);
            double referencePass = median(forwardBackward(reference, batch, repeats));
            double twinPass = median(forwardBackward(twin, batch, repeats));
            report("forward+backward, " + batchSize + " x " + config.contextLength() + " tokens", referencePass,
                    twinPass, batchSize * config.contextLength());

            List<PreferenceExample> pairs = pairs(config, Math.max(1, batchSize / 2) * 4, 99);
            int pairsPerStep = Math.max(1, batchSize / 2);
            double referenceStep = median(dpoSteps(reference, params, config, pairs, pairsPerStep, repeats, parallel));
            double twinStep = median(dpoSteps(twin, params, config, pairs, pairsPerStep, repeats, null));
            report("DPO step, " + pairsPerStep + " pairs (" + 2 * pairsPerStep + " rows)", referenceStep, twinStep, 0);

            if (!twin.kernelsRunOnOpenCl()) {
                System.out.println("WARNING: not every twin kernel ran on OpenCL: " + twin.kernelExecutions());
                System.exit(1);
            }
            System.out.println("every twin kernel ran on " + twin.deviceDescription() + "; time per kernel (all runs):");
            twin.kernelExecutions().stream()
                    .sorted((a, b) -> Double.compare(b.seconds(), a.seconds()))
                    .forEach(k -> System.out.printf("  %-22s %6d launches %9.1f ms%n", k.name(), k.launches(),
                            k.seconds() * 1e3));
        }
    }

    private static void report(String what, double referenceSeconds, double twinSeconds, int tokens) {
        System.out.printf("%-40s reference %8.1f ms   twin %8.1f ms   reference/twin %.2f%s%n", what,
                referenceSeconds * 1e3, twinSeconds * 1e3, referenceSeconds / twinSeconds,
                tokens > 0 ? String.format("   (%,.0f vs %,.0f tokens/s)", tokens / referenceSeconds,
                        tokens / twinSeconds) : "");
    }

    private static double[] forwardBackward(PolicyEngine engine, TokenBatch batch, int repeats) {
        double[][] seeds = new double[batch.batchSize()][batch.width()];
        for (double[] row : seeds) {
            Arrays.fill(row, 1, row.length, -1.0 / row.length);
        }
        BackwardSeeds backwardSeeds = BackwardSeeds.ofTokenLogProbs(seeds);
        for (int warmup = 0; warmup < 3; warmup++) {
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

    /** Times {@code DpoTrainer.step()}; the frozen reference model is an engine of the same kind. */
    private static double[] dpoSteps(PolicyEngine policy, double[] params, GptConfig config,
                                     List<PreferenceExample> pairs, int pairsPerStep, int repeats, Parallel parallel) {
        PolicyEngine frozen = parallel == null
                ? new AcceleratedEngine(config, params, FallbackPolicy.FAIL_FAST)
                : referenceEngine(config, params, parallel);
        try {
            policy.setParameters(params);
            DpoTrainer trainer = DpoTrainer.withReferenceModel(policy, frozen, pairs,
                    DpoSettings.standard(0.1, repeats + 3), TrainingSettings.of(pairsPerStep, 1e-4, 5));
            for (int warmup = 0; warmup < 2; warmup++) {
                trainer.step();
            }
            double[] seconds = new double[repeats];
            for (int r = 0; r < repeats; r++) {
                long start = System.nanoTime();
                trainer.step();
                seconds[r] = (System.nanoTime() - start) / 1e9;
            }
            return seconds;
        } finally {
            frozen.close();
        }
    }

    private static ReferenceEngine referenceEngine(GptConfig config, double[] params, Parallel parallel) {
        ReferenceEngine engine = new ReferenceEngine(new GptModel(config, parallel));
        engine.setParameters(params);
        return engine;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** Pairs of a 16-token prompt and two different 48-token responses: rows of the full context. */
    private static List<PreferenceExample> pairs(GptConfig config, int count, long seed) {
        Random random = new Random(seed);
        int promptLength = config.contextLength() / 4;
        int responseLength = config.contextLength() - promptLength;
        List<PreferenceExample> pairs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            pairs.add(new PreferenceExample(tokens(random, promptLength, config), tokens(random, responseLength, config),
                    tokens(random, responseLength, config)));
        }
        return pairs;
    }

    private static int[] tokens(Random random, int length, GptConfig config) {
        int[] tokens = new int[length];
        for (int i = 0; i < length; i++) {
            tokens[i] = random.nextInt(config.vocabSize());
        }
        return tokens;
    }
}
