package prefdyn.cli.command;

import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import prefdyn.cli.base.FileProblems;
import prefdyn.cli.experiment.Analysis;
import prefdyn.cli.experiment.AnalyzeSettings;
import prefdyn.cli.experiment.TrainedRunAnalysis;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code prefdyn analyze RUN_DIR}: its options; what measures D′ and G of a trained run by the two-pass replay
 * ({@link Analysis}) is {@link TrainedRunAnalysis}.
 */
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
        FileProblems.requireReadableDirectory(runDirectory, "run directory");
        TrainedRunAnalysis.run(new AnalyzeSettings(runDirectory, threads, force, resume), spec.commandLine().getOut(),
                common.quiet);
        return ExitCode.OK;
    }
}
