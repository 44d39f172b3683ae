package prefdyn.cli.command;

import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import prefdyn.cli.base.Threads;
import prefdyn.cli.bench.BenchSettings;
import prefdyn.cli.bench.EndToEndBench;
import prefdyn.cli.bench.PerfHistory;
import prefdyn.cli.bench.StepBenchmark;
import prefdyn.cli.engine.Engines;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code prefdyn bench}: its options; what it times, prints and records is {@link EndToEndBench}.
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
        Engines.Kind kind = Engines.Kind.parse(engine);
        Engines.requireAvailable(kind);
        BenchSettings options = new BenchSettings(kind, checkpoint, size, skipReference, batch, repeats,
                StepBenchmark.Item.parse(items), Threads.resolve(threads), finalPrompts, finalTokens, warmUpSeconds,
                record);
        EndToEndBench.run(options, spec.commandLine().getOut());
        return ExitCode.OK;
    }
}
