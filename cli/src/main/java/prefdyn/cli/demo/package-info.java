/**
 * The demo's experiment, shared by {@code prefdyn demo} and {@code prefdyn reproduce}:
 * {@link prefdyn.cli.demo.DemoRuns} (one seed: on-policy pairs, every selected run through the analysis, the report)
 * and {@link prefdyn.cli.demo.DemoSize} (the named size presets).
 *
 * <p>May use: {@code prefdyn.cli.base}, {@code prefdyn.cli.task}, {@code prefdyn.cli.engine}, {@code prefdyn.cli.run},
 * {@code prefdyn.cli.evaluation}, {@code prefdyn.cli.experiment}, {@code prefdyn.cli.report}.
 */
package prefdyn.cli.demo;
