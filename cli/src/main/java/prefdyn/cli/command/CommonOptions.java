package prefdyn.cli.command;

import picocli.CommandLine.Option;

/** Options every command takes. */
public final class CommonOptions {

    @Option(names = "--verbose", description = "Show details of errors (stack traces).")
    boolean verbose;

    @Option(names = "--quiet", description = "Print no progress lines, only results and errors.")
    boolean quiet;
}
