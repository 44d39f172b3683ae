package prefdyn.cli.command;

import prefdyn.cli.base.UserError;

/** The {@code --threads} option: the reference's results are bit-identical for any thread count. */
final class Threads {

    private Threads() {
    }

    static int resolve(Integer threads) {
        if (threads == null) {
            return Runtime.getRuntime().availableProcessors();
        }
        if (threads < 1) {
            throw new UserError("--threads must be at least 1, got " + threads);
        }
        return threads;
    }
}
