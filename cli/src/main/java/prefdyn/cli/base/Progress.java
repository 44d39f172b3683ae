package prefdyn.cli.base;

import java.io.PrintWriter;
import java.util.function.LongConsumer;

/**
 * Progress lines for long stages. A stage prints a line when it starts, at every quarter, and when it ends, each
 * with a bar, a counter and the elapsed time, e.g.
 * <pre>
 *   [ 41.2s] dpo/standard   replay (G)   [#####     ]  10/20  6.1s
 * </pre>
 * Lines rather than carriage-return redraws, so that stages running side by side (the demo trains two variants
 * at once on a two-core machine) and logs captured by CI stay readable. Thread-safe.
 */
public final class Progress {

    private static final int BAR = 10;

    private final PrintWriter out;
    private final boolean quiet;
    private final long start = System.nanoTime();

    public Progress(PrintWriter out, boolean quiet) {
        this.out = out;
        this.quiet = quiet;
    }

    /** Prints a free-form status line (with the elapsed time), unless quiet. */
    public void note(String message) {
        if (quiet) {
            return;
        }
        synchronized (out) {
            out.printf("[%6.1fs] %s%n", seconds(start), message);
            out.flush();
        }
    }

    /** Starts a stage of {@code total} units; feed it the number of units done. */
    public Stage stage(String label, long total) {
        return new Stage(label, total);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    /** One stage; {@link #accept} takes the number of units done so far. */
    public final class Stage implements LongConsumer {
        private final String label;
        private final long total;
        private final long stageStart = System.nanoTime();
        private int printedQuarter = -1;

        private Stage(String label, long total) {
            this.label = label;
            this.total = Math.max(1, total);
            print(0);
        }

        @Override
        public synchronized void accept(long done) {
            int quarter = (int) Math.min(4, done * 4 / total);
            if (quarter > printedQuarter) {
                print(done);
            }
        }

        /** Marks the stage as complete (prints the final line if it was not printed yet). */
        public synchronized void done() {
            if (printedQuarter < 4) {
                print(total);
            }
        }

        private void print(long done) {
            printedQuarter = (int) Math.min(4, done * 4 / total);
            if (quiet) {
                return;
            }
            int filled = (int) Math.min(BAR, done * BAR / total);
            String bar = "#".repeat(filled) + " ".repeat(BAR - filled);
            synchronized (out) {
                out.printf("[%6.1fs] %-40s [%s] %4d/%-4d %6.1fs%n", seconds(start), label, bar, done, total,
                        seconds(stageStart));
                out.flush();
            }
        }
    }
}
