package prefdyn.cli.bench;

import prefdyn.cli.base.UserError;
import prefdyn.cli.engine.Engines;

import java.nio.file.Path;
import java.util.Set;

/**
 * The settings of one {@code prefdyn bench} run, as its options give them, checked on construction (each mistake a
 * one-line {@link UserError} naming the option).
 *
 * @param kind          {@code --engine}: the reference alone, or the reference and the vector engine or the twin
 * @param checkpoint    {@code --checkpoint}: the model to time (a directory or a committed model's name), or null
 * @param size          {@code --size}: without a checkpoint, the named shape with seeded init ({@link BenchModel}),
 *                      or null for the default shape
 * @param skipReference {@code --skip-reference}: time only the engine of {@code kind}, not the reference
 * @param batch         {@code --batch}: sequences (pairs for DPO) per step, at least 2
 * @param repeats       {@code --repeats}: timed repeats of each item
 * @param items         {@code --items}: what is timed
 * @param maxThreads    {@code --threads}, resolved: the reference's thread count compared with 1
 * @param finalPrompts  {@code --final-prompts}: |D'|, the sequences of G's target gradient
 * @param finalTokens   {@code --final-tokens}: response tokens of each D' sequence
 * @param warmUpSeconds {@code --warm-up-seconds}: least warm-up time per item
 * @param record        {@code --record}: the history file this run is appended to ({@link PerfHistory}), or null
 */
public record BenchSettings(Engines.Kind kind, String checkpoint, String size, boolean skipReference, int batch,
                           int repeats, Set<StepBenchmark.Item> items, int maxThreads, int finalPrompts,
                           int finalTokens, double warmUpSeconds, Path record) {

    public BenchSettings {
        if (batch < 2) {
            throw new UserError("--batch must be at least 2 (PPO whitens advantages over the batch), got " + batch);
        }
        if (repeats < 1 || finalPrompts < 1 || finalTokens < 1) {
            throw new UserError("--repeats, --final-prompts and --final-tokens must be at least 1");
        }
        if (checkpoint != null && size != null) {
            throw new UserError("give --checkpoint or --size, not both");
        }
        if (skipReference && kind == Engines.Kind.REFERENCE) {
            throw new UserError("--skip-reference needs --engine vector or accelerated: there is nothing else to time");
        }
        if (!(warmUpSeconds >= 0)) {
            throw new UserError("--warm-up-seconds must be >= 0, got " + warmUpSeconds);
        }
    }
}
