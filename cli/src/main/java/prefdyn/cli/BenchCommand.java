package prefdyn.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import prefdyn.reference.checkpoint.LoadedCheckpoint;
import prefdyn.reference.dpo.DpoSettings;
import prefdyn.reference.dpo.DpoTrainer;
import prefdyn.reference.dpo.DpoVariant;
import prefdyn.reference.dpo.PreferenceExample;
import prefdyn.reference.dpo.ReferenceLogProbs;
import prefdyn.reference.engine.BackwardSeeds;
import prefdyn.reference.engine.PolicyEngine;
import prefdyn.reference.model.GptInitializer;
import prefdyn.reference.model.ParameterLayout;
import prefdyn.accelerated.kernels.OpenClDevices;
import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.train.TrainingSettings;
import prefdyn.reference.util.Parallel;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * {@code prefdyn bench}: tokens per second of the reference's forward+backward and of one DPO step, median of
 * repeats after warm-up, at one thread and at {@code --threads} in the same run (so their ratio means something
 * on a noisy machine). A benchmark, not a test: it asserts nothing.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Print tokens/s of forward+backward and of a DPO step (median of repeats after warm-up): the "
                + "reference at 1 thread and at --threads, and with --engine accelerated the float32 OpenCL twin too, "
                + "all measured in the same run, with their ratios."})
public final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--engine", defaultValue = "reference", description = "reference or accelerated. Default: ${DEFAULT-VALUE}.")
    String engine;

    @Option(names = "--checkpoint", paramLabel = "DIR",
            description = "Model shape (and weights) to time. Default: the tiny default, seeded init (C=64, L=2, H=4, T=64).")
    String checkpoint;

    @Option(names = "--batch", defaultValue = "8", description = "Sequences per forward+backward; pairs per DPO step. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--repeats", defaultValue = "7", description = "Timed repeats (after 2 warm-ups). Default: ${DEFAULT-VALUE}.")
    int repeats;

    @Option(names = "--threads", description = "Thread count compared with 1. Default: all cores.")
    Integer threads;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Engines.Kind kind = Engines.Kind.parse(engine);
        Engines.requireAvailable(kind);
        if (batch < 1 || repeats < 1) {
            throw new UserError("--batch and --repeats must be at least 1");
        }
        GptConfig config;
        double[] parameters;
        if (checkpoint != null) {
            LoadedCheckpoint loaded = Engines.load(checkpoint);
            config = loaded.config();
            parameters = loaded.parameters();
        } else {
            config = GptConfig.tinyDefault().withValueHead(false);
            parameters = new double[new ParameterLayout(config).size()];
            GptInitializer.initialize(new ParameterLayout(config), parameters, 1);
        }
        int maxThreads = Threads.resolve(threads);
        out.printf(Locale.ROOT, "prefdyn bench: C=%d L=%d H=%d T=%d V=%d; %s %s, %d processors, Java %s; median of %d "
                        + "repeats after 2 warm-ups%n", config.channels(), config.numLayers(), config.numHeads(),
                config.contextLength(), config.vocabSize(), System.getProperty("os.name"), System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), repeats);
        List<String> labels = new ArrayList<>();
        List<double[]> rates = new ArrayList<>();
        int[] threadCounts = maxThreads == 1 ? new int[] {1} : new int[] {1, maxThreads};
        for (int threadCount : threadCounts) {
            try (Parallel parallel = new Parallel(threadCount)) {
                labels.add("reference (float64), threads=" + threadCount);
                rates.add(measure(Engines.Kind.REFERENCE, config, parameters, parallel));
            }
        }
        if (kind == Engines.Kind.ACCELERATED) {
            out.println("accelerated device: " + OpenClDevices.describe(OpenClDevices.best()));
            labels.add("accelerated (float32, OpenCL)");
            rates.add(measure(Engines.Kind.ACCELERATED, config, parameters, Parallel.sequential()));
        }
        for (int i = 0; i < labels.size(); i++) {
            out.printf(Locale.ROOT, "%-36s forward+backward %9.0f tokens/s   DPO step %9.0f tokens/s%n", labels.get(i),
                    rates.get(i)[0], rates.get(i)[1]);
        }
        for (int i = 1; i < labels.size(); i++) {
            out.printf(Locale.ROOT, "ratio %s / %s (same run): forward+backward %.2f, DPO step %.2f%n", labels.get(i),
                    labels.get(0), rates.get(i)[0] / rates.get(0)[0], rates.get(i)[1] / rates.get(0)[1]);
        }
        return Main.EXIT_OK;
    }

    /** {forward+backward tokens/s, DPO step tokens/s} of one engine kind. */
    private double[] measure(Engines.Kind kind, GptConfig config, double[] parameters, Parallel parallel) {
        try (PolicyEngine policy = Engines.engine(kind, config, parameters, parallel)) {
            double forwardBackward = forwardBackward(policy, config);
            return new double[] {forwardBackward, dpoStep(kind, config, parameters, parallel)};
        }
    }

    /** Median tokens/s of one forward and backward over batch × T random tokens. */
    private double forwardBackward(PolicyEngine engine, GptConfig config) {
        Random random = new Random(1234);
        int length = config.contextLength();
        int[][] tokens = new int[batch][length];
        int[] lengths = new int[batch];
        boolean[][] mask = new boolean[batch][length];
        double[][] seeds = new double[batch][length];
        for (int b = 0; b < batch; b++) {
            lengths[b] = length;
            for (int t = 0; t < length; t++) {
                tokens[b][t] = random.nextInt(config.vocabSize());
                mask[b][t] = t > 0;
                seeds[b][t] = t > 0 ? -1.0 : 0.0;
            }
        }
        TokenBatch tokenBatch = new TokenBatch(tokens, lengths, mask);
        BackwardSeeds backwardSeeds = BackwardSeeds.ofTokenLogProbs(seeds);
        double[] seconds = new double[repeats];
        for (int r = -2; r < repeats; r++) {
            engine.zeroGradients();
            long start = System.nanoTime();
            engine.forward(tokenBatch);
            engine.backward(backwardSeeds);
            if (r >= 0) {
                seconds[r] = (System.nanoTime() - start) / 1e9;
            }
        }
        return batch * (double) length / median(seconds);
    }

    /** Median tokens/s of DPO steps (forward of 2P rows, positive and negative backward, clipping, AdamW). */
    private double dpoStep(Engines.Kind kind, GptConfig config, double[] parameters, Parallel parallel) {
        Random random = new Random(99);
        int promptLength = Math.max(1, config.contextLength() / 4);
        int responseLength = Math.max(1, config.contextLength() - promptLength);
        List<PreferenceExample> pairs = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            int[] prompt = randomTokens(random, promptLength, config.vocabSize());
            int[] chosen = randomTokens(random, responseLength, config.vocabSize());
            int[] rejected = randomTokens(random, responseLength, config.vocabSize());
            rejected[0] = (chosen[0] + 1) % config.vocabSize();
            pairs.add(new PreferenceExample(prompt, chosen, rejected));
        }
        try (PolicyEngine policy = Engines.engine(kind, config, parameters, parallel);
             PolicyEngine reference = Engines.engine(kind, config, parameters, parallel)) {
            int steps = repeats + 2;
            DpoTrainer trainer = new DpoTrainer(policy, pairs, ReferenceLogProbs.compute(reference, pairs, batch),
                    DpoSettings.of(0.1, DpoVariant.STANDARD, steps), TrainingSettings.of(batch, 1e-4, 1));
            double[] seconds = new double[repeats];
            for (int r = -2; r < repeats; r++) {
                long start = System.nanoTime();
                trainer.step();
                if (r >= 0) {
                    seconds[r] = (System.nanoTime() - start) / 1e9;
                }
            }
            return 2.0 * batch * (promptLength + responseLength) / median(seconds);
        }
    }

    private static int[] randomTokens(Random random, int length, int vocabulary) {
        int[] tokens = new int[length];
        for (int i = 0; i < length; i++) {
            tokens[i] = random.nextInt(vocabulary);
        }
        return tokens;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
