package prefdyn.cli.demo;

import prefdyn.cli.report.Report;
import prefdyn.cli.run.RunData;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * The table {@code prefdyn demo} prints at the end: each run's win rate with its 95% interval, KL, mean G and at how
 * many measured steps G > 0.
 */
final class DemoSummary {

    private DemoSummary() {
    }

    static void printSummary(PrintWriter out, List<RunData> runs) {
        out.printf("%-20s %-26s %-9s %-10s %-12s%n", "run", "win rate [95% CI]", "KL", "mean G", "steps G>0");
        for (RunData run : runs) {
            double[] g = run.dynamics("G/total");
            int positive = 0;
            for (double value : g) {
                positive += value > 0 ? 1 : 0;
            }
            out.printf(Locale.ROOT, "%-20s %-26s %-9s %-10s %d/%d%n", run.name(),
                    Report.Html.number(run.evaluation("win_rate", "value")) + " ["
                            + Report.Html.number(run.evaluation("win_rate", "lower")) + ", "
                            + Report.Html.number(run.evaluation("win_rate", "upper")) + "]",
                    Report.Html.number(run.evaluation("kl", null)), Report.Html.number(Report.mean(g)), positive,
                    g.length);
        }
        out.flush();
    }
}
