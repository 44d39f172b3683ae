/**
 * What every other package of the command line may use: {@link prefdyn.cli.base.UserError} (a mistake the user can
 * fix, printed as one line), {@link prefdyn.cli.base.Progress} (progress lines of long stages),
 * {@link prefdyn.cli.base.Version} and {@link prefdyn.cli.base.GitCommit} (provenance in run records).
 *
 * <p>May use: nothing else in prefdyn.cli.
 */
package prefdyn.cli.base;
