/**
 * The demo's experiment, shared by {@code prefdyn demo} and {@code prefdyn reproduce}:
 * {@link prefdyn.cli.demo.DemoRuns} (one seed: on-policy pairs, every selected run through the analysis, the report)
 * and {@link prefdyn.cli.demo.DemoSize} (the named size presets); {@code prefdyn demo} itself
 * ({@link prefdyn.cli.demo.Demo}, the one entry point: one seed's runs, then the {@link prefdyn.cli.demo.DemoSummary}
 * table and the report's address).
 *
 * <p>May use: {@code prefdyn.cli.base}, {@code prefdyn.cli.task}, {@code prefdyn.cli.engine}, {@code prefdyn.cli.run},
 * {@code prefdyn.cli.evaluation}, {@code prefdyn.cli.experiment}, {@code prefdyn.cli.report}, {@code prefdyn.cli.pairs}.
 */
package prefdyn.cli.demo;
