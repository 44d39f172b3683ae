/**
 * The {@code prefdyn} command's entry point: {@link prefdyn.cli.Main} registers the commands and turns errors into
 * one line and an exit status. The packages below it, from the bottom up (each uses only those before it):
 * {@code base}, {@code task}, {@code engine}, {@code run}, {@code evaluation}, {@code experiment}, {@code report},
 * {@code demo}, {@code findings}, {@code grad}, {@code bench}, {@code command}; {@code PackageRulesTest} checks it.
 *
 * <p>May use: {@code prefdyn.cli.base}, {@code prefdyn.cli.command}.
 */
package prefdyn.cli;
