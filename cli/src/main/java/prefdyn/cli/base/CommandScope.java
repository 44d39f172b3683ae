package prefdyn.cli.base;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * What one invocation of the command line holds until it ends: its arguments (recorded in run markers, so a person
 * sees what is running) and the resources it must release, such as the lock of each run directory it writes.
 * {@code Main} opens a scope around every command and closes it with the command's outcome; the kernel releases
 * file locks anyway when the process dies.
 */
public final class CommandScope {

    /** Something held for the rest of the command. */
    @FunctionalInterface
    public interface Held {
        /** @param refused the command ended with a refusal (a one-line user error), not by success or a crash */
        void release(boolean refused);
    }

    private static final ThreadLocal<Scope> CURRENT = new InheritableThreadLocal<>();

    private static final class Scope {
        final List<String> arguments;
        final PrintWriter err;
        final List<Held> held = new ArrayList<>();

        Scope(List<String> arguments, PrintWriter err) {
            this.arguments = List.copyOf(arguments);
            this.err = err;
        }
    }

    private CommandScope() {
    }

    /** Opens the scope of one command on this thread (and the threads it starts). */
    public static void open(List<String> arguments, PrintWriter err) {
        CURRENT.set(new Scope(arguments, err));
    }

    /**
     * Prints a one-line notice on stderr ("prefdyn: notice: …"): a setting that cannot do all it says, an input
     * fixed up (a byte-order mark skipped). Outside a scope, nothing is printed.
     */
    public static void notice(String message) {
        Scope scope = CURRENT.get();
        if (scope != null && scope.err != null) {
            scope.err.println("prefdyn: notice: " + message);
            scope.err.flush();
        }
    }

    /** The command line as typed, after {@code prefdyn}, or "" outside a scope. */
    public static String arguments() {
        Scope scope = CURRENT.get();
        return scope == null ? "" : String.join(" ", scope.arguments);
    }

    /** Holds {@code held} until the scope closes; outside a scope (a library call) nothing is recorded. */
    public static void hold(Held held) {
        Scope scope = CURRENT.get();
        if (scope != null) {
            synchronized (scope) {
                scope.held.add(held);
            }
        }
    }

    /** Forgets {@code held} (it was released early). */
    public static void forget(Held held) {
        Scope scope = CURRENT.get();
        if (scope != null) {
            synchronized (scope) {
                scope.held.remove(held);
            }
        }
    }

    /** Releases everything held, last first, and closes the scope. */
    public static void close(boolean refused) {
        Scope scope = CURRENT.get();
        CURRENT.remove();
        if (scope == null) {
            return;
        }
        List<Held> held;
        synchronized (scope) {
            held = new ArrayList<>(scope.held);
        }
        RuntimeException first = null;
        for (int i = held.size() - 1; i >= 0; i--) {
            try {
                held.get(i).release(refused);
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
