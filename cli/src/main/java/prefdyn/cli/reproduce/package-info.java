/**
 * {@code prefdyn reproduce}: the demo's experiment over several seeds and the findings across them
 * ({@link prefdyn.cli.reproduce.Reproduction}, the one entry point), in one process or spread over machines: a plan
 * of one self-contained command line per seed ({@link prefdyn.cli.reproduce.SeedSettings#seedCommand}) for any
 * scheduler, and the merge of the finished seed directories ({@link prefdyn.cli.reproduce.SeedMerge}), which
 * refuses seeds whose settings or code differ, or that have not finished
 * ({@link prefdyn.cli.reproduce.SeedDirectory}).
 *
 * <p>May use: {@code prefdyn.cli.base}, {@code prefdyn.cli.engine}, {@code prefdyn.cli.run}, {@code prefdyn.cli.demo},
 * {@code prefdyn.cli.findings}.
 */
package prefdyn.cli.reproduce;
