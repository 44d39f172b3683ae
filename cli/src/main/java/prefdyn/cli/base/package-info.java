/**
 * What every other package of the command line may use: {@link prefdyn.cli.base.UserError} (a mistake the user can
 * fix, printed as one line), {@link prefdyn.cli.base.Progress} (progress lines of long stages),
 * {@link prefdyn.cli.base.Version} and {@link prefdyn.cli.base.GitCommit} (provenance in run records),
 * {@link prefdyn.cli.base.CommandScope} (one command's arguments, notices and held locks),
 * {@link prefdyn.cli.base.FileProblems} (why a file cannot be used, in words), {@link prefdyn.cli.base.OutputPaths}
 * (outputs kept apart from inputs), {@link prefdyn.cli.base.TextFiles} (strict UTF-8 lines, the byte-order mark
 * skipped with a notice) and {@link prefdyn.cli.base.Threads} (the {@code --threads} value: all cores by default, a
 * notice above the cores).
 *
 * <p>May use: nothing else in prefdyn.cli.
 */
package prefdyn.cli.base;
