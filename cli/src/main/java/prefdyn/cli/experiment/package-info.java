/**
 * One run, built and analysed: {@link prefdyn.cli.experiment.Experiment} (the start model, data, fresh identical
 * trainers, probes and the settings of D′, all from a {@code RunConfig}) and {@link prefdyn.cli.experiment.Analysis}
 * (the two-pass measurement of G with its evaluation, into the run directory).
 *
 * <p>May use: {@code prefdyn.cli.base}, {@code prefdyn.cli.task}, {@code prefdyn.cli.engine}, {@code prefdyn.cli.run},
 * {@code prefdyn.cli.evaluation}.
 */
package prefdyn.cli.experiment;
