package prefdyn.cli.command;

import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import prefdyn.cli.base.UserError;
import prefdyn.cli.engine.Engines;
import prefdyn.cli.experiment.Experiment;
import prefdyn.cli.experiment.TrainSettings;
import prefdyn.cli.experiment.Training;
import prefdyn.cli.run.Objective;
import prefdyn.cli.run.RunConfig;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code prefdyn train}: its options; what trains one SFT, DPO, PPO, GRPO or RLOO run into a run directory
 * ({@code config.json}, so {@code analyze} can replay it, {@code metrics.jsonl}, checkpoints of θ(t), and the pairs
 * it trained on) is {@link Training}.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train one run (SFT, DPO, PPO, GRPO or RLOO, any variant) into a run directory: config.json, metrics.jsonl "
                + "and checkpoints/step-NNNNNNN (safetensors). Then 'prefdyn analyze DIR' measures G and "
                + "'prefdyn report DIR' draws it.",
                "DPO trains on --pairs FILE (TRL JSONL), or by default on on-policy IMDb pairs sampled from the start "
                        + "model. The reward of PPO, GRPO and RLOO is the Naive-Bayes sentiment log-odds on IMDb prompts."})
public final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    RunOptions options;

    @Option(names = "--out", required = true, paramLabel = "RUN_DIR", description = "Run directory to create.")
    Path out;

    @Option(names = "--force", description = "Replace an existing or interrupted run directory (never one in use).")
    boolean force;

    @Option(names = "--resume", description = "Continue the interrupted run in --out from its last resume point; "
            + "the settings must be the run's own (config.json). The result is byte-identical to an uninterrupted run.")
    boolean resume;

    @Option(names = "--resume-every", defaultValue = "10", paramLabel = "K",
            description = "Save a resume point (θ, AdamW's state, the trainer's state) every K steps; 0: never. "
                    + "Default: ${DEFAULT-VALUE}.")
    int resumeEvery;

    @Option(names = "--checkpoint-every", defaultValue = "0", paramLabel = "K",
            description = "Also save θ(t) every K steps (0: only the final model). Default: ${DEFAULT-VALUE}.")
    int checkpointEvery;

    @Override
    public Integer call() throws Exception {
        Engines.requireAvailable(Engines.Kind.parse(options.engine));
        Objective objective = Objective.parse(options.objective);
        objective.requireVariant(options.variant);
        if (checkpointEvery < 0 || resumeEvery < 0) {
            throw new UserError("--checkpoint-every and --resume-every must be >= 0, got " + checkpointEvery + " and "
                    + resumeEvery);
        }
        if (force && resume) {
            throw new UserError("--force (start clean) and --resume (continue) exclude each other; choose one");
        }
        int pairCount = -1;
        if (options.pairs != null) {
            int count = Experiment.readTextPairs(options.pairs).size(); // fail fast, before creating the run directory
            if (count == 0) {
                throw new UserError("pairs file " + options.pairs + " holds no pair");
            }
            pairCount = count;
        }
        if (options.heldoutPairs != null) {
            Experiment.readTextPairs(options.heldoutPairs);
        }
        // validates every flag before anything is written
        RunConfig config = options.toConfig(objective, "pairs.jsonl", null);
        Training.run(new TrainSettings(config, options.pairs, options.heldoutPairs, pairCount, options.candidates,
                options.inputs(), out, force, resume, resumeEvery, checkpointEvery, options.threads),
                spec.commandLine().getOut(), common.quiet);
        return ExitCode.OK;
    }
}
