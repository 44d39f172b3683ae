package prefdyn.cli.experiment;

import prefdyn.cli.base.FileProblems;
import prefdyn.cli.base.Progress;
import prefdyn.cli.base.Threads;
import prefdyn.cli.base.UserError;
import prefdyn.cli.engine.Engines;
import prefdyn.cli.run.Objective;
import prefdyn.cli.run.RunConfig;
import prefdyn.cli.run.RunDirectory;
import prefdyn.reference.train.TrainingLoop;
import prefdyn.reference.util.Parallel;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code prefdyn analyze}: a run directory of {@code prefdyn train} checked (its {@code config.json}, an objective
 * that has G, a training that finished), then D′ and G by the two-pass replay with the probes and the final
 * evaluation ({@link Analysis}) into the same directory.
 */
public final class TrainedRunAnalysis {

    private TrainedRunAnalysis() {
    }

    /** Analyses the run {@code settings} names, printing progress and the next step to {@code stdout}. */
    public static void run(AnalyzeSettings settings, PrintWriter stdout, boolean quiet) {
        Path runDirectory = settings.runDirectory();
        Path configFile = runDirectory.resolve("config.json");
        if (!Files.exists(configFile)) {
            throw new UserError(runDirectory + " has no config.json; is it a run directory written by 'prefdyn train'?");
        }
        RunConfig config = RunConfig.fromJson(RunDirectory.readJson(configFile), configFile.toString());
        if (config.objective() == Objective.SFT) {
            throw new UserError("G is measured for DPO, PPO, GRPO and RLOO runs; " + runDirectory + " is an SFT run");
        }
        Engines.requireAvailable(Engines.Kind.parse(config.model().engine()));
        RunDirectory directory = RunDirectory.existing(runDirectory, settings.force() || settings.resume(),
                "prefdyn analyze", false);
        Path trainedFinal = TrainingLoop.checkpointDirectory(runDirectory, config.steps().steps());
        boolean trained = Files.exists(trainedFinal.resolve("model.safetensors"));
        Path metrics = runDirectory.resolve(TrainingLoop.METRICS_FILE);
        if (Files.exists(metrics)) {
            requireFinishedTraining(metrics, config.steps().steps(), trained);
        }
        directory.markRunning("prefdyn analyze");
        Progress progress = new Progress(stdout, quiet);
        try (Parallel parallel = new Parallel(Threads.resolve(settings.threads()));
             Experiment experiment = new Experiment(config, runDirectory, parallel)) {
            Analysis.run(experiment, runDirectory, !Files.exists(runDirectory.resolve("metrics.jsonl")),
                    trained ? trainedFinal : null, null, progress, config.name());
        }
        directory.finish();
        stdout.printf("analyzed %s: dynamics.jsonl, final_responses.jsonl, evaluation.json%nnext: prefdyn report %s%n",
                runDirectory, runDirectory);
    }

    /**
     * An interrupted training is never analysed as if it were complete: metrics.jsonl must hold one whole line
     * per step and the final checkpoint must exist.
     */
    static void requireFinishedTraining(Path metrics, long steps, boolean finalCheckpoint) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(metrics);
        } catch (java.io.IOException e) {
            throw new UserError(FileProblems.describe("cannot read " + metrics, e), e);
        }
        long lines = 0;
        for (byte b : bytes) {
            lines += b == '\n' ? 1 : 0;
        }
        String resume = "; continue the training with its 'prefdyn train ... --resume' first";
        if (bytes.length > 0 && bytes[bytes.length - 1] != '\n') {
            throw new UserError(metrics + ": its last line is cut short (line " + (lines + 1) + "), the training was "
                    + "interrupted" + resume);
        }
        if (lines != steps || !finalCheckpoint) {
            throw new UserError(metrics.getParent() + ": the training did not finish (" + lines + " of " + steps
                    + " steps logged" + (finalCheckpoint ? "" : ", no final checkpoint") + ")" + resume);
        }
    }
}
