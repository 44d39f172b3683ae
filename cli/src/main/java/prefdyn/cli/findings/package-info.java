/**
 * The paper's claims measured across seeds: {@link prefdyn.cli.findings.Claims} (each claim's statistics, predicted
 * sides and verdict), {@link prefdyn.cli.findings.SeedStatistics} (Student-t intervals across seeds),
 * {@link prefdyn.cli.findings.SeedsNeeded} (the seeds an interval would need, from the seeds at hand as a pilot) and
 * {@link prefdyn.cli.findings.Findings} (the {@code findings.md} / {@code findings.html} page with its plots).
 *
 * <p>May use: {@code prefdyn.cli.base}, {@code prefdyn.cli.run}, {@code prefdyn.cli.report}.
 */
package prefdyn.cli.findings;
