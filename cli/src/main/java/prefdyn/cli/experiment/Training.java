package prefdyn.cli.experiment;

import prefdyn.cli.base.CommandScope;
import prefdyn.cli.base.OutputPaths;
import prefdyn.cli.base.Progress;
import prefdyn.cli.base.Threads;
import prefdyn.cli.base.UserError;
import prefdyn.cli.engine.Engines;
import prefdyn.cli.pairs.PairSampling;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code prefdyn train}: one SFT, DPO, PPO, GRPO or RLOO run into a run directory ({@link RunDirectory}): DPO's
 * on-policy IMDb pairs sampled from the start model when no pair file is given ({@link PairSampling}), then
 * {@code config.json} (every setting, so {@code analyze} can replay it), {@code metrics.jsonl} and the checkpoints of
 * θ(t) ({@link TrainingLoop}); an interrupted run continues from its last resume point.
 */
public final class Training {

    private Training() {
    }

    /** Trains the run {@code settings} names, printing progress and the next step to {@code stdout}. */
    public static void run(TrainSettings settings, PrintWriter stdout, boolean quiet) throws Exception {
        RunConfig checked = settings.config();
        Objective objective = checked.objective();
        Path out = settings.out();
        boolean resume = settings.resume();
        LoadedCheckpoint startModel = Engines.load(checked.model().checkpoint());
        RunMemory.require(checked, startModel);
        OutputPaths.refuseOverlap(out, "--out", settings.inputs());
        int pairCount = settings.pairCount();
        int batch = checked.steps().batch();
        if (pairCount >= 0 && pairCount < batch) { // after every refusal: a refused command prints one line
            CommandScope.notice("--batch " + batch + " is above the " + pairCount + " pairs of "
                    + settings.pairs() + ": every step's batch repeats pairs, visiting the data in several epochs");
        }
        int threads = Threads.resolve(settings.threads());
        String command = "prefdyn train --objective " + objective.cliName();
        RunDirectory directory = resume ? RunDirectory.resume(out, command)
                : RunDirectory.create(out, settings.force(), command);
        boolean continuing = resume && directory.holdsEarlierWork();
        Progress progress = new Progress(stdout, quiet);
        String pairs = settings.pairs() == null ? null : settings.pairs().toAbsolutePath().toString();
        String heldout = settings.heldoutPairs() == null ? null : settings.heldoutPairs().toAbsolutePath().toString();
        if (objective == Objective.DPO && pairs == null && continuing && Files.isRegularFile(out.resolve("pairs.jsonl"))
                && Files.exists(out.resolve("config.json"))) {
            pairs = "pairs.jsonl"; // the interrupted run's on-policy pairs, written before its first step
            Object savedHeldout = RunDirectory.readJson(out.resolve("config.json")).get("heldout_pairs");
            heldout = heldout == null && savedHeldout instanceof String name ? name : heldout;
        } else if (objective == Objective.DPO && pairs == null) {
            ImdbTask task = ImdbTask.get();
            int prompts = checked.data().trainPrompts();
            long dataSeed = checked.data().dataSeed();
            ExecutorService executor = Executors.newFixedThreadPool(threads);
            try {
                List<PreferencePair> train = PairSampling.pairs(executor, startModel,
                        task.trainingPrompts(prompts, dataSeed), settings.candidates(), task,
                        dataSeed, progress, "pairs  on-policy, train (half A)");
                List<PreferencePair> held = PairSampling.pairs(executor, startModel,
                        task.evaluationPrompts(Math.max(1, prompts / 4), dataSeed + 1),
                        settings.candidates(), task, dataSeed + 1_000, progress,
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
        RunConfig config = checked.withPairFiles(pairs, heldout);
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
            TrainingLoop.run(trainer, config.steps().steps(), out, settings.checkpointEvery(), settings.resumeEvery(),
                    stage);
            stage.done();
        }
        directory.finish();
        stdout.printf(Locale.ROOT, "trained %s: %s%nnext: prefdyn analyze %s%n", config.name(), out, out);
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
