package prefdyn.cli.bench;

import prefdyn.cli.bench.StepBenchmark.Item;
import prefdyn.cli.bench.StepBenchmark.Run;
import prefdyn.cli.bench.StepBenchmark.Timing;
import prefdyn.cli.engine.Engines;
import prefdyn.reference.model.FlopCount;
import prefdyn.reference.model.GptConfig;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * What {@code prefdyn bench} prints before its ratios: the header (the model, its FLOPs per position by llm.c's
 * 6N + 6LCW of {@link FlopCount}, the batch and what the repeats are) and the fixed-width table of every timed
 * item on every engine (median, min-max, tokens/s, GFLOP/s and the twin's kernel launches per step).
 */
final class BenchTable {

    private BenchTable() {
    }

    /** The header lines; {@code model} names the checkpoint or says "seeded init", {@code device} may be null. */
    static void printHeader(PrintWriter out, GptConfig config, String model, StepBenchmark.Settings settings,
                            String device) {
        int width = config.contextLength();
        out.printf(Locale.ROOT, "prefdyn bench: C=%d L=%d H=%d T=%d V=%d (%s); N = %d matrix parameters, %d training "
                        + "FLOPs per position at W=%d (6N + 6LCW)%n", config.channels(), config.numLayers(),
                config.numHeads(), width, config.vocabSize(), model,
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

    /** One row per item and run that timed it, items in {@link Item} order, runs in the order they ran. */
    static void printTable(PrintWriter out, List<Run> runs) {
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
}
