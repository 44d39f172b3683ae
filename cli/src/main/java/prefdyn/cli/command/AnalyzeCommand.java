package prefdyn.cli.command;

import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
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

    @Option(names = "--force", description = "Analyze even if the directory carries a RUNNING marker.")
    boolean force;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        RunDirectory directory = RunDirectory.existing(runDirectory, force, "prefdyn analyze", false);
        Path configFile = runDirectory.resolve("config.json");
        if (!Files.exists(configFile)) {
            throw new UserError(runDirectory + " has no config.json; is it a run directory written by 'prefdyn train'?");
        }
        RunConfig config = RunConfig.fromJson(RunDirectory.readJson(configFile), configFile.toString());
        if (config.objective() == Objective.SFT) {
            throw new UserError("G is measured for DPO, PPO, GRPO and RLOO runs; " + runDirectory + " is an SFT run");
        }
        Engines.requireAvailable(Engines.Kind.parse(config.model().engine()));
        directory = RunDirectory.existing(runDirectory, true, "prefdyn analyze", true);
        Progress progress = new Progress(stdout, common.quiet);
        Path trainedFinal = TrainingLoop.checkpointDirectory(runDirectory, config.steps().steps());
        boolean trained = Files.exists(trainedFinal.resolve("model.safetensors"));
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
}
