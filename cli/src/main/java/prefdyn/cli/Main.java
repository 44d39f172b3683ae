package prefdyn.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import prefdyn.cli.base.CommandScope;
import prefdyn.cli.base.FileProblems;
import prefdyn.cli.base.UserError;
import prefdyn.cli.base.Version;
import prefdyn.cli.command.AnalyzeCommand;
import prefdyn.cli.command.BenchCommand;
import prefdyn.cli.command.DemoCommand;
import prefdyn.cli.command.GenerateCommand;
import prefdyn.cli.command.GradCommand;
import prefdyn.cli.command.PairsCommand;
import prefdyn.cli.command.ReportCommand;
import prefdyn.cli.command.ReproduceCommand;
import prefdyn.cli.command.SftCommand;
import prefdyn.cli.command.TrainCommand;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The {@code prefdyn} command. Errors a user can fix (a missing file, a bad flag value, a malformed line) print one
 * line on stderr and exit {@value #EXIT_USER_ERROR} (flag syntax: {@value #EXIT_USAGE}); {@code --verbose} adds the
 * stack trace. Anything else is a bug: one line naming it, exit {@value #EXIT_INTERNAL}.
 */
@Command(name = "prefdyn", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"What is preference optimization doing? DPO and PPO on small GPT-2-style models, every update "
                + "split into positive learning, negative learning and loss reweighting, and measured against the final "
                + "responses by the gradient alignment G (arXiv 2512.00778).", "",
                "Start with: prefdyn demo"},
        subcommands = {DemoCommand.class, TrainCommand.class, AnalyzeCommand.class, ReportCommand.class,
                GenerateCommand.class, PairsCommand.class, SftCommand.class, BenchCommand.class, GradCommand.class,
                ReproduceCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static final int EXIT_OK = 0;
    public static final int EXIT_USER_ERROR = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_INTERNAL = 70;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command; try 'prefdyn demo', or see "
                + "'prefdyn --help'");
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int code = run(args, out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs the command line in-process and returns the exit code (tests call this). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        boolean verbose = Arrays.asList(args).contains("--verbose");
        boolean[] refused = {false};
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setParameterExceptionHandler((exception, arguments) -> {
            String name = exception.getCommandLine().getCommandSpec().qualifiedName();
            err.println(name + ": " + oneLine(exception.getMessage()) + " (see '" + name + " --help')");
            if (verbose) {
                exception.printStackTrace(err);
            }
            err.flush();
            return EXIT_USAGE;
        });
        commandLine.setExecutionExceptionHandler((exception, command, parseResult) -> {
            String name = command.getCommandSpec().qualifiedName();
            Throwable cause = unwrap(exception);
            int code;
            IOException io = ioCause(cause);
            if (io != null) { // a file that cannot be read or written: the file and the cause, in one line
                err.println(name + ": error: " + oneLine(ioMessage(cause, io)));
                code = EXIT_USER_ERROR;
            } else if (cause instanceof UserError || cause instanceof IllegalArgumentException) {
                err.println(name + ": error: " + oneLine(cause.getMessage()));
                refused[0] = true;
                code = EXIT_USER_ERROR;
            } else if (cause instanceof OutOfMemoryError) {
                err.println(name + ": error: out of memory; use smaller sizes or a larger heap (JAVA_OPTS=-Xmx8g)");
                code = EXIT_USER_ERROR;
            } else {
                err.println(name + ": internal error: " + cause.getClass().getSimpleName() + ": "
                        + oneLine(String.valueOf(cause.getMessage()))
                        + (verbose ? "" : " (rerun with --verbose for the stack trace)"));
                code = EXIT_INTERNAL;
            }
            if (verbose) {
                cause.printStackTrace(err);
            }
            err.flush();
            return code;
        });
        CommandScope.open(Arrays.asList(args), err);
        int code = EXIT_INTERNAL;
        try {
            code = commandLine.execute(args);
        } finally {
            CommandScope.close(refused[0] || code == EXIT_USAGE);
        }
        return code;
    }

    /** The I/O failure behind {@code cause}, if that is what it is. */
    private static IOException ioCause(Throwable cause) {
        if (cause instanceof IOException io) {
            return io;
        }
        if (cause instanceof UncheckedIOException unchecked) {
            return unchecked.getCause();
        }
        Throwable inner = cause.getCause();
        return cause instanceof UserError && inner instanceof IOException io && FileProblems.reason(io) != null
                && !cause.getMessage().contains(FileProblems.reason(io)) ? io : null;
    }

    /** The failure's own message, with the cause spelt out where Java gave only the file's name. */
    private static String ioMessage(Throwable cause, IOException io) {
        String message = String.valueOf(cause.getMessage());
        String reason = FileProblems.reason(io);
        if (reason == null || message.contains(reason)) {
            return message;
        }
        String file = io instanceof java.nio.file.FileSystemException fs ? fs.getFile() : null;
        if (file != null && message.endsWith(": " + file)) {
            message = message.substring(0, message.length() - file.length() - 2);
        }
        return message + ": " + (file != null && !message.contains(file) ? file + ": " : "") + reason;
    }

    private static Throwable unwrap(Throwable exception) {
        Throwable cause = exception;
        while ((cause instanceof CommandLine.ExecutionException || cause instanceof java.util.concurrent.ExecutionException
                || cause instanceof java.util.concurrent.CompletionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String oneLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        String line = message.strip().replace("\r", "");
        int newline = line.indexOf('\n');
        return newline < 0 ? line : line.substring(0, newline);
    }
}
