package prefdyn.cli.bench;

import prefdyn.accelerated.kernels.OpenClDevices;
import prefdyn.cli.bench.StepBenchmark.Item;
import prefdyn.cli.bench.StepBenchmark.Run;
import prefdyn.cli.bench.StepBenchmark.Timing;
import prefdyn.cli.engine.Engines;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The ratios {@code prefdyn bench} prints after its table, all between medians of one run, so that they mean
 * something on a noisy machine: reference at 1 thread over more threads and over the vector engine or the twin, per
 * item; the analysis overhead (G cost / step cost, against the goal of {@code docs/benchmarks.md} of at most
 * {@value #G_GOAL_STEPS} steps, and G by linearity against G with a pass per component); a step with two backward
 * passes ({@code --component-norms}) over one; the twin's DPO step against the GPU goal; and the share of the
 * twin's steps that its kernel launches take.
 */
final class BenchRatios {

    /** The analysis-overhead goal: one G measurement costs at most this many training steps. */
    static final double G_GOAL_STEPS = 3.0;
    /** The GPU goal of {@code docs/benchmarks.md}: the twin's DPO step at least this many times the reference on the same machine. */
    static final double GPU_SPEEDUP_GOAL = 20.0;

    private BenchRatios() {
    }

    /**
     * Prints the ratios of this run (the runs in the order they ran, the reference at one thread first unless
     * skipped; {@code device} null without the twin; {@code batch} the run's B) and returns them for the record.
     */
    static Map<String, Object> print(PrintWriter out, List<Run> runs, String device, int batch) {
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
}
