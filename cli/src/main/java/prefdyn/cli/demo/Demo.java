package prefdyn.cli.demo;

import prefdyn.cli.base.Progress;
import prefdyn.cli.report.Report;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code prefdyn demo}: one seed's runs into a demo directory ({@link DemoRuns}), then their summary table and the
 * report's address.
 */
public final class Demo {

    private Demo() {
    }

    /** Runs {@code request}, printing progress, the {@link DemoSummary} table and the report's address. */
    public static void run(DemoRuns.Request request, PrintWriter stdout, boolean quiet) throws Exception {
        long started = System.nanoTime();
        Path report = DemoRuns.run(request, new Progress(stdout, quiet));
        DemoSummary.printSummary(stdout, Report.loadRuns(request.out()));
        stdout.printf(Locale.ROOT, "demo finished in %.0f s; report: %s%n", DemoRuns.seconds(started),
                report.toAbsolutePath().normalize().toUri());
    }
}
