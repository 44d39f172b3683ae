package prefdyn.cli.base;

/**
 * The {@code --threads} option: the reference's results are bit-identical for any thread count; more threads than
 * cores get a notice (they run, only slower).
 */
public final class Threads {

    private Threads() {
    }

    /** {@code threads} when given (at least 1), else all cores. */
    public static int resolve(Integer threads) {
        if (threads == null) {
            return Runtime.getRuntime().availableProcessors();
        }
        if (threads < 1) {
            throw new UserError("--threads must be at least 1, got " + threads);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        if (threads > cores) {
            CommandScope.notice("--threads " + threads + " is above the " + cores + " cores here: the results are "
                    + "identical, only slower than with --threads " + cores);
        }
        return threads;
    }
}
