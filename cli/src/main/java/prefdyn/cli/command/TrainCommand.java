package prefdyn.cli.command;

import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import prefdyn.cli.base.CommandScope;
import prefdyn.cli.base.OutputPaths;
import prefdyn.cli.base.Progress;
import prefdyn.cli.base.UserError;
import prefdyn.cli.demo.DemoRuns;
import prefdyn.cli.engine.Engines;
import prefdyn.cli.experiment.Experiment;
import prefdyn.cli.run.Objective;
import prefdyn.cli.run.RunConfig;
import prefdyn.cli.run.RunDirectory;
import prefdyn.cli.task.ImdbTask;
import prefdyn.datasets.PairFile;
import prefdyn.datasets.PreferencePair;
import prefdyn.reference.checkpoint.LoadedCheckpoint;
import prefdyn.reference.train.Trainer;
import prefdyn.reference.train.TrainingLoop;
import prefdyn.reference.util.Parallel;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code prefdyn train}: one SFT, DPO, PPO, GRPO or RLOO run into a run directory: {@code config.json} (every setting, so
 * {@code analyze} can replay it), {@code metrics.jsonl}, checkpoints of θ(t), and the pairs it trained on.
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
        PrintWriter stdout = spec.commandLine().getOut();
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
        options.toConfig(objective, "pairs.jsonl", null); // validates every flag before anything is written
        LoadedCheckpoint startModel = Engines.load(options.checkpoint);
        options.requireMemory(objective, startModel);
        OutputPaths.refuseOverlap(out, "--out", options.inputs());
        if (pairCount >= 0 && pairCount < options.batch) { // after every refusal: a refused command prints one line
            CommandScope.notice("--batch " + options.batch + " is above the " + pairCount + " pairs of "
                    + options.pairs + ": every step's batch repeats pairs, visiting the data in several epochs");
        }
        int threads = Threads.resolve(options.threads);
        String command = "prefdyn train --objective " + objective.cliName();
        RunDirectory directory = resume ? RunDirectory.resume(out, command) : RunDirectory.create(out, force, command);
        boolean continuing = resume && directory.holdsEarlierWork();
        Progress progress = new Progress(stdout, common.quiet);
        String pairs = options.pairs == null ? null : options.pairs.toAbsolutePath().toString();
        String heldout = options.heldoutPairs == null ? null : options.heldoutPairs.toAbsolutePath().toString();
        if (objective == Objective.DPO && pairs == null && continuing && Files.isRegularFile(out.resolve("pairs.jsonl"))
                && Files.exists(out.resolve("config.json"))) {
            pairs = "pairs.jsonl"; // the interrupted run's on-policy pairs, written before its first step
            Object savedHeldout = RunDirectory.readJson(out.resolve("config.json")).get("heldout_pairs");
            heldout = heldout == null && savedHeldout instanceof String name ? name : heldout;
        } else if (objective == Objective.DPO && pairs == null) {
            ImdbTask task = ImdbTask.get();
            ExecutorService executor = Executors.newFixedThreadPool(threads);
            try {
                List<PreferencePair> train = DemoRuns.pairs(executor, startModel,
                        task.trainingPrompts(options.prompts, options.dataSeed), options.candidates, task,
                        options.dataSeed, progress, "pairs  on-policy, train (half A)");
                List<PreferencePair> held = DemoRuns.pairs(executor, startModel,
                        task.evaluationPrompts(Math.max(1, options.prompts / 4), options.dataSeed + 1),
                        options.candidates, task, options.dataSeed + 1_000, progress,
                        "pairs  on-policy, held-out (half B)");
                if (train.isEmpty()) {
                    throw new UserError("no on-policy pair had a strict preference; try another --data-seed");
                }
                if (!held.isEmpty() && heldout == null) {
                    writePairs(directory.resolve("heldout_pairs.jsonl"), held);
                    heldout = "heldout_pairs.jsonl";
                }
                writePairs(directory.resolve("pairs.jsonl"), train);
                pairs = "pairs.jsonl";
            } finally {
                executor.shutdownNow();
            }
        }
        RunConfig config = options.toConfig(objective, pairs, heldout);
        try (Parallel parallel = new Parallel(threads);
             Experiment experiment = new Experiment(config, out, parallel)) {
            Map<String, Object> configJson = Experiment.configJson(config, threads, experiment);
            if (continuing && Files.exists(out.resolve("config.json"))) {
                requireSameSettings(RunDirectory.readJson(out.resolve("config.json")), configJson);
            }
            RunDirectory.writeJson(directory.resolve("config.json"), configJson);
            experiment.pairSummaries().forEach(progress::note);
            Trainer trainer = experiment.newTrainer();
            long resumedAt = continuing ? TrainingLoop.resume(trainer, out) : 0;
            if (resumedAt > 0) {
                progress.note("resuming " + out + " at step " + resumedAt + " of " + config.steps().steps());
            }
            Progress.Stage stage = progress.stage(config.name() + "  train", config.steps().steps());
            TrainingLoop.run(trainer, config.steps().steps(), out, checkpointEvery, resumeEvery, stage);
            stage.done();
        }
        directory.finish();
        stdout.printf(Locale.ROOT, "trained %s: %s%nnext: prefdyn analyze %s%n", config.name(), out, out);
        return ExitCode.OK;
    }

    /** A resumed run must be the interrupted one: every setting but the thread count equal. */
    static void requireSameSettings(Map<String, Object> saved, Map<String, Object> requested) {
        String key = RunConfig.differingSetting(saved, requested);
        if (key != null) {
            throw new UserError("--resume: the run in this directory has " + key + " = " + saved.get(key)
                    + " but this command asks for " + requested.get(key) + "; resume with the run's own settings "
                    + "(config.json), or use --force to start a new run");
        }
    }

    private static void writePairs(Path file, List<PreferencePair> pairs) throws IOException {
        PairFile.write(file, pairs);
    }
}
