package prefdyn.cli.command;

import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import prefdyn.accelerated.kernels.OpenClDevices;
import prefdyn.cli.base.GitCommit;
import prefdyn.cli.base.UserError;
import prefdyn.cli.base.Version;
import prefdyn.cli.bench.PerfHistory;
import prefdyn.cli.bench.StepBenchmark;
import prefdyn.cli.engine.Engines;
import prefdyn.reference.checkpoint.LoadedCheckpoint;
import prefdyn.reference.model.FlopCount;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.GptInitializer;
import prefdyn.reference.model.ParameterLayout;
import prefdyn.reference.util.Parallel;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import prefdyn.cli.bench.StepBenchmark.Item;
import prefdyn.cli.bench.StepBenchmark.Run;
import prefdyn.cli.bench.StepBenchmark.Timing;

/**
 * {@code prefdyn bench}: the end-to-end benchmark of {@code docs/benchmarks.md}. It times a forward+backward, an SFT step, a DPO step,
 * a PPO step and one G measurement at a DPO and at a PPO step, each both with one backward pass per component and
 * by linearity ({@code --g-passes every} and {@code linear}; {@link StepBenchmark}), on the reference at one
 * thread and at {@code --threads}, and with {@code --engine accelerated} on the twin too, all in the same run, so
 * that ratios between them mean something on a noisy machine. It prints medians, the spread (min–max), tokens/s,
 * GFLOP/s of the useful work ({@link FlopCount}), the twin's kernel launches per step, the ratios and the analysis
 * overhead (G cost ÷ step cost, against the goal of at most 3 steps) and the cost of a training step's two
 * backward passes ({@code --component-norms}) over its one; {@code --record} appends the run to
 * {@code docs/perf-history.jsonl}. A benchmark, not a test: it asserts nothing about speed.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Time a forward+backward, an SFT step, a DPO step, a PPO step and one G measurement (at a DPO "
                + "and at a PPO step, with one backward pass per component and by linearity): median and spread of "
                + "repeats after warm-up, tokens/s and GFLOP/s, for the reference at 1 thread and at --threads and, "
                + "with --engine accelerated, for the float32 OpenCL twin (with its kernel launches per step), all in "
                + "the same run, with their ratios and G cost / step cost. The DPO and PPO steps are also timed with two "
                + "backward passes per update (--component-norms), interleaved with the one-pass steps.",
                "--record appends the run as one JSON line to docs/perf-history.jsonl (date, commit, machine, "
                        + "settings, every median)."})
public final class BenchCommand implements Callable<Integer> {

    /** The analysis-overhead goal: one G measurement costs at most this many training steps. */
    static final double G_GOAL_STEPS = 3.0;
    /** The GPU goal of {@code docs/benchmarks.md}: the twin's DPO step at least this many times the reference on the same machine. */
    static final double GPU_SPEEDUP_GOAL = 20.0;

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--engine", defaultValue = "reference", description = "reference, accelerated (also times the "
            + "OpenCL twin) or vector (also times the float32 Vector API engine at --threads). Default: ${DEFAULT-VALUE}.")
    String engine;

    @Option(names = "--checkpoint", paramLabel = "DIR",
            description = "Model shape and weights to time (a directory, or committed-sft). Default: the tiny default "
                    + "shape (C=64, L=2, H=4, T=64), seeded GPT-2 init.")
    String checkpoint;

    @Option(names = "--size", paramLabel = "NAME",
            description = "Without --checkpoint, the shape to time with seeded GPT-2 init: default (C=64, L=2, H=4, "
                    + "T=64), 4x (C=128, H=8) or gpt2-block (one block at GPT-2 small's width: C=768, L=1, H=12, "
                    + "T=256). Default: default.")
    String size;

    @Option(names = "--skip-reference",
            description = "Time only --engine's own run (vector or accelerated), not the float64 reference (for shapes "
                    + "where it would take minutes); the ratios against it are left out.")
    boolean skipReference;

    @Option(names = "--batch", defaultValue = "8",
            description = "B: sequences of forward+backward, SFT and PPO; pairs of DPO (2B rows). At least 2. "
                    + "Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--repeats", defaultValue = "7", description = "Timed repeats of each item (after at least 2 warm-ups and 1 s). Default: ${DEFAULT-VALUE}.")
    int repeats;

    @Option(names = "--items", defaultValue = "all", paramLabel = "LIST",
            description = "What to time, comma-separated: fb (forward+backward), sft, dpo, dpo-split (two backward "
                    + "passes, --component-norms), ppo, ppo-split, g-dpo, g-dpo-linear, g-ppo, g-ppo-linear; or all. "
                    + "Default: ${DEFAULT-VALUE}.")
    String items;

    @Option(names = "--threads", description = "Reference thread count compared with 1. Default: all cores.")
    Integer threads;

    @Option(names = "--final-prompts", defaultValue = "8", description = "|D'|, the sequences of G's target gradient. Default: ${DEFAULT-VALUE}.")
    int finalPrompts;

    @Option(names = "--final-tokens", defaultValue = "24", description = "Response tokens of each D' sequence. Default: ${DEFAULT-VALUE}.")
    int finalTokens;

    @Option(names = "--warm-up-seconds", defaultValue = "1.0", hidden = true,
            description = "Least warm-up time per item, after at least 2 warm-up repeats (tests use 0).")
    double warmUpSeconds;

    @Option(names = "--record", arity = "0..1", paramLabel = "FILE", fallbackValue = PerfHistory.DEFAULT_FILE,
            description = "Append this run as one JSON line to FILE (default when given without a value: "
                    + PerfHistory.DEFAULT_FILE + ", relative to the working directory).")
    Path record;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Engines.Kind kind = Engines.Kind.parse(engine);
        Engines.requireAvailable(kind);
        if (batch < 2) {
            throw new UserError("--batch must be at least 2 (PPO whitens advantages over the batch), got " + batch);
        }
        if (repeats < 1 || finalPrompts < 1 || finalTokens < 1) {
            throw new UserError("--repeats, --final-prompts and --final-tokens must be at least 1");
        }
        GptConfig config;
        double[] parameters;
        if (checkpoint != null) {
            if (size != null) {
                throw new UserError("give --checkpoint or --size, not both");
            }
            LoadedCheckpoint loaded = Engines.load(checkpoint);
            config = loaded.config();
            parameters = loaded.parameters();
        } else {
            config = sizedConfig(size == null ? "default" : size);
            parameters = new double[new ParameterLayout(config).size()];
            GptInitializer.initialize(new ParameterLayout(config), parameters, 1);
        }
        if (config.contextLength() < 4) {
            throw new UserError("the model's context length " + config.contextLength() + " is too short to bench");
        }
        int maxThreads = Threads.resolve(threads);
        if (skipReference && kind == Engines.Kind.REFERENCE) {
            throw new UserError("--skip-reference needs --engine vector or accelerated: there is nothing else to time");
        }
        if (!(warmUpSeconds >= 0)) {
            throw new UserError("--warm-up-seconds must be >= 0, got " + warmUpSeconds);
        }
        StepBenchmark.Settings settings = new StepBenchmark.Settings(config, parameters, batch, repeats, finalPrompts,
                finalTokens, warmUpSeconds, Item.parse(items));
        String device = kind == Engines.Kind.ACCELERATED ? OpenClDevices.describe(OpenClDevices.best()) : null;

        printHeader(out, config, settings, device);
        List<Run> runs = new ArrayList<>();
        int[] threadCounts = skipReference ? new int[0] : maxThreads == 1 ? new int[] {1} : new int[] {1, maxThreads};
        for (int threadCount : threadCounts) {
            try (Parallel parallel = new Parallel(threadCount)) {
                runs.add(StepBenchmark.run("reference threads=" + threadCount, Engines.Kind.REFERENCE, parallel,
                        settings));
            }
        }
        if (kind == Engines.Kind.VECTOR) {
            try (Parallel parallel = new Parallel(maxThreads)) {
                runs.add(StepBenchmark.run("vector threads=" + maxThreads, Engines.Kind.VECTOR, parallel, settings));
            }
        }
        if (kind == Engines.Kind.ACCELERATED) {
            runs.add(StepBenchmark.run("twin (float32 OpenCL)", Engines.Kind.ACCELERATED, Parallel.sequential(),
                    settings));
        }
        Map<String, Object> machine = PerfHistory.machine(); // load average at the end of the measurements
        out.println("machine: " + PerfHistory.describe(machine));
        printTable(out, runs);
        Map<String, Object> ratios = printRatios(out, runs, device);
        if (record != null) {
            Map<String, Object> line = record(config, settings, machine, device, runs, ratios);
            PerfHistory.append(record, line);
            out.println("recorded in " + record + " (commit " + line.get("commit") + ")");
        }
        return ExitCode.OK;
    }

    /** The shape {@code --size} names, without heads. */
    private static GptConfig sizedConfig(String name) {
        return switch (name) {
            case "default" -> GptConfig.tinyDefault().withValueHead(false);
            case "4x" -> new GptConfig(257, 64, 2, 8, 128, false, false);
            case "gpt2-block" -> new GptConfig(257, 256, 1, 12, 768, false, false);
            default -> throw new UserError("unknown --size '" + name + "'; expected default, 4x or gpt2-block");
        };
    }

    private void printHeader(PrintWriter out, GptConfig config, StepBenchmark.Settings settings, String device) {
        int width = config.contextLength();
        out.printf(Locale.ROOT, "prefdyn bench: C=%d L=%d H=%d T=%d V=%d (%s); N = %d matrix parameters, %d training "
                        + "FLOPs per position at W=%d (6N + 6LCW)%n", config.channels(), config.numLayers(),
                config.numHeads(), width, config.vocabSize(), checkpoint == null ? "seeded init" : checkpoint,
                FlopCount.matrixParameters(config), FlopCount.trainingPerPosition(config, width), width);
        out.printf(Locale.ROOT, "batch %d: sequences of forward+backward, SFT and PPO, pairs of DPO; PPO: %d-token prompts, "
                        + "rollouts of up to %d tokens, %d epochs x %d minibatches; G: |D'| = %d sequences of %d+%d "
                        + "tokens%n", settings.batch(), settings.promptLength(), settings.ppoResponseLength(),
                StepBenchmark.PPO_EPOCHS, settings.ppoMiniBatches(), settings.finalPrompts(), settings.promptLength(),
                settings.finalResponseLength());
        out.printf(Locale.ROOT, "median of %d timed repeats after at least %d warm-ups and %.1f s per item; tokens/s "
                + "and GFLOP/s use the median time%n", settings.repeats(), StepBenchmark.WARM_UPS, settings.warmUpSeconds());
        if (device != null) {
            out.println("accelerated device: " + device);
        }
    }

    private static void printTable(PrintWriter out, List<Run> runs) {
        out.printf(Locale.ROOT, "%-18s %-24s %12s %21s %12s %12s %9s %13s%n", "item", "engine", "median ms",
                "min-max ms", "tokens/step", "tokens/s", "GFLOP/s", "launches/step");
        for (Item item : Item.values()) {
            for (Run run : runs) {
                Timing timing = run.timings().get(item);
                if (timing == null) {
                    continue;
                }
                String launches = run.kind() == Engines.Kind.ACCELERATED
                        ? String.format(Locale.ROOT, "%.1f", timing.meanLaunches()) : "-";
                out.printf(Locale.ROOT, "%-18s %-24s %12.3f %21s %12.1f %12.1f %9.3f %13s%n", item.label, run.label(),
                        timing.medianSeconds() * 1e3,
                        String.format(Locale.ROOT, "%.3f-%.3f", timing.minSeconds() * 1e3, timing.maxSeconds() * 1e3),
                        timing.meanTokens(), timing.tokensPerSecond(), timing.gflopsPerSecond(), launches);
            }
        }
    }

    /** Prints the ratios of this run and returns them for the record. */
    private Map<String, Object> printRatios(PrintWriter out, List<Run> runs, String device) {
        Map<String, Object> ratios = new LinkedHashMap<>();
        Run single = runs.get(0);
        Run bestReference = runs.stream().filter(run -> run.kind() == Engines.Kind.REFERENCE)
                .reduce((first, second) -> second).orElse(null);
        out.println("ratios in this run (time of the first / time of the second, by medians; > 1: the first is slower):");
        Run twin = runs.stream().filter(run -> run.kind() == Engines.Kind.ACCELERATED).findFirst().orElse(null);
        Run vector = runs.stream().filter(run -> run.kind() == Engines.Kind.VECTOR).findFirst().orElse(null);
        if (bestReference == null) {
            out.println("  (the reference was not timed: --skip-reference)");
        } else {
            if (bestReference != single) {
                ratios.put("reference_threads_1_over_threads_" + bestReference.threads(),
                        speedups(out, single, bestReference));
            }
            if (twin != null) {
                ratios.put("reference_threads_" + bestReference.threads() + "_over_twin",
                        speedups(out, bestReference, twin));
            }
            if (vector != null) {
                ratios.put("reference_threads_" + bestReference.threads() + "_over_vector",
                        speedups(out, bestReference, vector));
            }
        }
        out.printf(Locale.ROOT, "analysis overhead, G cost / step cost (goal: one G measurement costs at most %.0f "
                + "training steps):%n", G_GOAL_STEPS);
        Map<String, Object> overhead = new LinkedHashMap<>();
        for (Run run : runs) {
            Map<String, Object> pair = new LinkedHashMap<>();
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-24s", run.label()));
            overheadRatio(run, Item.G_DPO, Item.DPO_STEP, "g_dpo_over_dpo_step", true, pair, line);
            overheadRatio(run, Item.G_PPO, Item.PPO_STEP, "g_ppo_over_ppo_step", true, pair, line);
            overheadRatio(run, Item.G_DPO_LINEAR, Item.DPO_STEP, "g_dpo_linear_over_dpo_step", true, pair, line);
            overheadRatio(run, Item.G_PPO_LINEAR, Item.PPO_STEP, "g_ppo_linear_over_ppo_step", true, pair, line);
            overheadRatio(run, Item.G_DPO_LINEAR, Item.G_DPO, "g_dpo_linear_over_g_dpo", false, pair, line);
            overheadRatio(run, Item.G_PPO_LINEAR, Item.G_PPO, "g_ppo_linear_over_g_ppo", false, pair, line);
            if (pair.isEmpty()) {
                line.append(" (no G item with its step was timed)");
            } else {
                line.setLength(line.length() - 1); // the last ';'
            }
            out.println(line);
            overhead.put(run.label(), pair);
        }
        ratios.put("g_over_step", overhead);
        out.println("training step with two backward passes (--component-norms) / with one (the default):");
        Map<String, Object> passes = new LinkedHashMap<>();
        for (Run run : runs) {
            Map<String, Object> pair = new LinkedHashMap<>();
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-24s", run.label()));
            overheadRatio(run, Item.DPO_STEP_SPLIT, Item.DPO_STEP, "dpo_split_over_dpo_step", false, pair, line);
            overheadRatio(run, Item.PPO_STEP_SPLIT, Item.PPO_STEP, "ppo_split_over_ppo_step", false, pair, line);
            if (pair.isEmpty()) {
                line.append(" (no step was timed in both forms)");
            } else {
                line.setLength(line.length() - 1);
            }
            out.println(line);
            passes.put(run.label(), pair);
        }
        ratios.put("two_passes_over_one", passes);
        if (twin != null && bestReference != null && twin.timed(Item.DPO_STEP)) {
            double dpoSpeedup = ratio(bestReference, twin, Item.DPO_STEP);
            boolean gpu = OpenClDevices.bestIsGpu();
            out.printf(Locale.ROOT, "GPU goals (docs/benchmarks.md, at --batch 64 on an NVIDIA GPU): twin DPO step >= %.0fx the "
                            + "reference on the same machine, and within 1.5x of PyTorch eager (bench/pytorch/gpu-compare.sh). "
                            + "Here: %.3fx at batch %d on %s%s%n", GPU_SPEEDUP_GOAL, dpoSpeedup, batch, device,
                    gpu ? (batch == 64 ? (dpoSpeedup >= GPU_SPEEDUP_GOAL ? " (meets the 20x goal)" : " (misses the 20x goal)")
                            : " (not at batch 64: the goal is not judged)")
                            : " (not a GPU: the GPU goals are not judged)");
        }
        if (twin != null) {
            double launch = twin.launchSeconds();
            out.printf(Locale.ROOT, "kernel launches per step of the twin; one launch of a one-item kernel costs %.1f us "
                    + "here (mean of %d), and typically 5-10 us on a GPU:%n", launch * 1e6, StepBenchmark.LAUNCH_PROBES);
            Map<String, Object> launchShares = new LinkedHashMap<>();
            for (Item item : Item.values()) {
                Timing timing = twin.timings().get(item);
                if (timing == null) {
                    continue;
                }
                double launchMs = timing.meanLaunches() * launch * 1e3;
                double share = launchMs / (timing.medianSeconds() * 1e3);
                launchShares.put(item.label, share);
                out.printf(Locale.ROOT, "  %-18s %8.1f launches x %.1f us = %8.3f ms, %5.1f%% of the median step "
                                + "(%.3f ms); at 5-10 us: %.3f-%.3f ms%n", item.label, timing.meanLaunches(),
                        launch * 1e6, launchMs, 100 * share, timing.medianSeconds() * 1e3,
                        timing.meanLaunches() * 5e-3, timing.meanLaunches() * 10e-3);
            }
            Map<String, Object> launches = new LinkedHashMap<>();
            launches.put("launch_us", launch * 1e6);
            launches.put("launch_time_over_step_time", launchShares);
            ratios.put("twin_launches", launches);
        }
        return ratios;
    }

    /**
     * Appends "numerator / denominator = ratio" to {@code line} and puts it in {@code values} under {@code key}, when
     * the run timed both items; with {@code judged}, also whether it meets the G-cost goal.
     */
    private static void overheadRatio(Run run, Item numerator, Item denominator, String key, boolean judged,
                                      Map<String, Object> values, StringBuilder line) {
        if (!run.timed(numerator) || !run.timed(denominator)) {
            return;
        }
        double value = ratio(run, numerator, denominator);
        values.put(key, value);
        line.append(String.format(Locale.ROOT, " %s / %s = %.3f%s;", numerator.label, denominator.label, value,
                judged ? " (" + verdict(value) + ")" : ""));
    }

    /** Prints first/second time per item on one line and returns them by item label. */
    private static Map<String, Object> speedups(PrintWriter out, Run first, Run second) {
        Map<String, Object> values = new LinkedHashMap<>();
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %s / %s:", first.label(), second.label()));
        for (Item item : Item.values()) {
            if (!first.timed(item) || !second.timed(item)) {
                continue;
            }
            double value = ratio(first, second, item);
            values.put(item.label, value);
            line.append(String.format(Locale.ROOT, " %s %.3f;", item.label, value));
        }
        line.setLength(line.length() - 1);
        out.println(line);
        return values;
    }

    /** Median time of {@code item} in {@code first} over that in {@code second}. */
    static double ratio(Run first, Run second, Item item) {
        return first.timings().get(item).medianSeconds() / second.timings().get(item).medianSeconds();
    }

    /** Median time of {@code numerator} over that of {@code denominator}, in one run. */
    static double ratio(Run run, Item numerator, Item denominator) {
        return run.timings().get(numerator).medianSeconds() / run.timings().get(denominator).medianSeconds();
    }

    private static String verdict(double steps) {
        return steps <= G_GOAL_STEPS ? "meets the goal" : "misses the goal";
    }

    private Map<String, Object> record(GptConfig config, StepBenchmark.Settings settings, Map<String, Object> machine,
                                       String device, List<Run> runs, Map<String, Object> ratios) {
        Map<String, Object> line = new LinkedHashMap<>();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        line.put("date", now.atZone(ZoneOffset.UTC).toLocalDate().toString());
        line.put("time", now.toString());
        line.put("commit", GitCommit.head());
        line.put("dirty", GitCommit.dirty());
        line.put("prefdyn_version", Version.get());
        line.put("machine", machine);
        line.put("accelerator", device);
        Map<String, Object> settingsJson = new LinkedHashMap<>();
        settingsJson.put("model", checkpoint == null ? "seeded-init" + (size == null ? "" : " " + size) : checkpoint);
        settingsJson.put("C", config.channels());
        settingsJson.put("L", config.numLayers());
        settingsJson.put("H", config.numHeads());
        settingsJson.put("T", config.contextLength());
        settingsJson.put("V", config.vocabSize());
        settingsJson.put("matrix_parameters", FlopCount.matrixParameters(config));
        settingsJson.put("batch", settings.batch());
        settingsJson.put("repeats", settings.repeats());
        settingsJson.put("warm_ups_at_least", StepBenchmark.WARM_UPS);
        settingsJson.put("warm_up_seconds_at_least", settings.warmUpSeconds());
        settingsJson.put("threads", runs.stream().filter(run -> run.kind() == Engines.Kind.REFERENCE)
                .map(Run::threads).toList());
        settingsJson.put("engine", engine.toLowerCase(Locale.ROOT));
        settingsJson.put("ppo", Map.of("prompt_tokens", settings.promptLength(), "response_tokens",
                settings.ppoResponseLength(), "epochs", StepBenchmark.PPO_EPOCHS, "minibatches",
                settings.ppoMiniBatches()));
        settingsJson.put("final_prompts", settings.finalPrompts());
        settingsJson.put("final_tokens", settings.finalResponseLength());
        settingsJson.put("items", settings.items().stream().map(item -> item.shortName).toList());
        line.put("settings", settingsJson);
        Map<String, Object> results = new LinkedHashMap<>();
        for (Run run : runs) {
            Map<String, Object> items = new LinkedHashMap<>();
            for (Item item : Item.values()) {
                Timing timing = run.timings().get(item);
                if (timing == null) {
                    continue;
                }
                Map<String, Object> values = new LinkedHashMap<>();
                values.put("median_ms", timing.medianSeconds() * 1e3);
                values.put("min_ms", timing.minSeconds() * 1e3);
                values.put("max_ms", timing.maxSeconds() * 1e3);
                values.put("tokens_per_step", timing.meanTokens());
                values.put("tokens_per_s", timing.tokensPerSecond());
                values.put("gflop_per_s", timing.gflopsPerSecond());
                values.put("launches_per_step", run.kind() == Engines.Kind.ACCELERATED ? timing.meanLaunches() : null);
                items.put(item.label, values);
            }
            results.put(run.label(), items);
        }
        line.put("results", results);
        line.put("ratios", ratios);
        return line;
    }
}
