package prefdyn.cli.command;

import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import prefdyn.cli.report.Report;
import prefdyn.cli.run.RunDirectory;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code prefdyn report DIR}: {@code report.html} and {@code plots/*.png} from a run or demo directory. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Render report.html with PNG plots (G(t) total/positive/negative and tertiles, lp+/lp- on train "
                + "and held-out pairs, reward and KL over steps, the reward-vs-KL frontier, win rates with 95%% "
                + "intervals, a table of variants) from a run directory (train + analyze) or a demo directory."})
public final class ReportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "DIR", description = "A run directory or a demo directory.")
    Path directory;

    @Option(names = "--force", description = "Render even if the directory carries a RUNNING marker.")
    boolean force;

    @Override
    public Integer call() {
        RunDirectory.existing(directory, force, "prefdyn report", false);
        Path report = Report.write(directory);
        spec.commandLine().getOut().println("report: " + report.toAbsolutePath().normalize().toUri());
        return ExitCode.OK;
    }
}
