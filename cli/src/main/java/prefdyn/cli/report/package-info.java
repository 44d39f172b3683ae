/**
 * The HTML report of a run or demo directory ({@link prefdyn.cli.report.Report}, with its small HTML writer) and
 * its XChart plots ({@link prefdyn.cli.report.Plots}); the findings page draws with the same helpers.
 *
 * <p>May use: {@code prefdyn.cli.base}, {@code prefdyn.cli.task}, {@code prefdyn.cli.run}.
 */
package prefdyn.cli.report;
