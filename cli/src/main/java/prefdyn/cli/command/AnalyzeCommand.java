package prefdyn.cli.command;

import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import prefdyn.cli.base.FileProblems;
import prefdyn.cli.base.Progress;
import prefdyn.cli.base.UserError;
import prefdyn.cli.engine.Engines;
import prefdyn.cli.experiment.Analysis;
import prefdyn.cli.experiment.Experiment;
import prefdyn.cli.run.Objective;
import prefdyn.cli.run.RunConfig;
import prefdyn.cli.run.RunDirectory;
import prefdyn.reference.train.TrainingLoop;
import prefdyn.reference.util.Parallel;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code prefdyn analyze RUN_DIR}: D′ and G of a trained run by the two-pass replay ({@link Analysis}). */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = {"Measure the paper's dynamics of a DPO or PPO run made by 'prefdyn train': replay it from its "
                + "config.json (pass 1 must end on the saved final model bit for bit), build D' from the final policy "
                + "(final_responses.jsonl), replay again measuring G(t) with its positive/negative, tertile and "
                + "layer-group breakdowns and the probes (dynamics.jsonl), and evaluate the final policy against the "
                + "start model (evaluation.json, samples.jsonl)."})
public final class AnalyzeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "A run directory written by 'prefdyn train'.")
    Path runDirectory;

    @Option(names = "--threads", description = "Threads (results are identical for any count). Default: all cores.")
    Integer threads;

    @Option(names = "--force", description = "Analyze even if the directory carries a RUNNING marker of an "
            + "interrupted command (never a run whose training did not finish).")
    boolean force;

    @Option(names = "--resume", description = "Finish an interrupted analysis: it is computed again from the "
            + "finished training, and every file comes out byte-identical.")
    boolean resume;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        FileProblems.requireReadableDirectory(runDirectory, "run directory");
        Path configFile = runDirectory.resolve("config.json");
        if (!Files.exists(configFile)) {
            throw new UserError(runDirectory + " has no config.json; is it a run directory written by 'prefdyn train'?");
        }
        RunConfig config = RunConfig.fromJson(RunDirectory.readJson(configFile), configFile.toString());
        if (config.objective() == Objective.SFT) {
            throw new UserError("G is measured for DPO, PPO, GRPO and RLOO runs; " + runDirectory + " is an SFT run");
        }
        Engines.requireAvailable(Engines.Kind.parse(config.model().engine()));
        RunDirectory directory = RunDirectory.existing(runDirectory, force || resume, "prefdyn analyze", false);
        Path trainedFinal = TrainingLoop.checkpointDirectory(runDirectory, config.steps().steps());
        boolean trained = Files.exists(trainedFinal.resolve("model.safetensors"));
        Path metrics = runDirectory.resolve(TrainingLoop.METRICS_FILE);
        if (Files.exists(metrics)) {
            requireFinishedTraining(metrics, config.steps().steps(), trained);
        }
        directory.markRunning("prefdyn analyze");
        Progress progress = new Progress(stdout, common.quiet);
        try (Parallel parallel = new Parallel(Threads.resolve(threads));
             Experiment experiment = new Experiment(config, runDirectory, parallel)) {
            Analysis.run(experiment, runDirectory, !Files.exists(runDirectory.resolve("metrics.jsonl")),
                    trained ? trainedFinal : null, null, progress, config.name());
        }
        directory.finish();
        stdout.printf("analyzed %s: dynamics.jsonl, final_responses.jsonl, evaluation.json%nnext: prefdyn report %s%n",
                runDirectory, runDirectory);
        return ExitCode.OK;
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
