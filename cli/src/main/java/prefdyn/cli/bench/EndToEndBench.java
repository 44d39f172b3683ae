package prefdyn.cli.bench;

import prefdyn.accelerated.kernels.OpenClDevices;
import prefdyn.cli.bench.StepBenchmark.Run;
import prefdyn.cli.engine.Engines;
import prefdyn.reference.model.FlopCount;
import prefdyn.reference.util.Parallel;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code prefdyn bench}, the end-to-end benchmark of {@code docs/benchmarks.md}. It times a forward+backward, an
 * SFT step, a DPO step, a PPO step and one G measurement at a DPO and at a PPO step, each both with one backward
 * pass per component and by linearity ({@code --g-passes every} and {@code linear}; {@link StepBenchmark}), on the
 * reference at one thread and at {@code --threads}, and with {@code --engine accelerated} on the twin too (or the
 * vector engine with {@code --engine vector}), all in the same run, so that ratios between them mean something on a
 * noisy machine. It prints medians, the spread (min–max), tokens/s, GFLOP/s of the useful work ({@link FlopCount}),
 * the twin's kernel launches per step ({@link BenchTable}), the ratios and the analysis overhead (G cost ÷ step
 * cost, against the goal of at most 3 steps) and the cost of a training step's two backward passes
 * ({@code --component-norms}) over its one ({@link BenchRatios}); {@code --record} appends the run to
 * {@code docs/perf-history.jsonl} ({@link BenchRecord}). A benchmark, not a test: it asserts nothing about speed.
 */
public final class EndToEndBench {

    private EndToEndBench() {
    }

    /** Times what {@code options} select and prints the table and ratios to {@code out}. */
    public static void run(BenchSettings options, PrintWriter out) throws IOException {
        BenchModel model = BenchModel.of(options.checkpoint(), options.size());
        StepBenchmark.Settings settings = new StepBenchmark.Settings(model.config(), model.parameters(),
                options.batch(), options.repeats(), options.finalPrompts(), options.finalTokens(),
                options.warmUpSeconds(), options.items());
        Engines.Kind kind = options.kind();
        String device = kind == Engines.Kind.ACCELERATED ? OpenClDevices.describe(OpenClDevices.best()) : null;

        BenchTable.printHeader(out, model.config(), options.checkpoint() == null ? "seeded init" : options.checkpoint(),
                settings, device);
        int maxThreads = options.maxThreads();
        List<Run> runs = new ArrayList<>();
        int[] threadCounts = options.skipReference() ? new int[0]
                : maxThreads == 1 ? new int[] {1} : new int[] {1, maxThreads};
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
        BenchTable.printTable(out, runs);
        Map<String, Object> ratios = BenchRatios.print(out, runs, device, options.batch());
        if (options.record() != null) {
            Map<String, Object> line = BenchRecord.line(options, settings, machine, device, runs, ratios);
            PerfHistory.append(options.record(), line);
            out.println("recorded in " + options.record() + " (commit " + line.get("commit") + ")");
        }
    }
}
