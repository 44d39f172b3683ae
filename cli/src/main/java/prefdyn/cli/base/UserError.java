package prefdyn.cli.base;

/**
 * A mistake the user can fix (a missing file, a bad flag value, a malformed line, a run directory in the way).
 * The command line ({@code prefdyn.cli.Main}) prints its message as one line on stderr and exits with status 1; the stack
 * trace only with {@code --verbose}.
 */
public final class UserError extends RuntimeException {

    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
