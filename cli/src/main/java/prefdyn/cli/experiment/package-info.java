/**
 * One run, built, trained and analysed: {@link prefdyn.cli.experiment.Experiment} (the start model, data, fresh
 * identical trainers, probes and the settings of D′, all from a {@code RunConfig}) and
 * {@link prefdyn.cli.experiment.Analysis} (the two-pass measurement of G with its evaluation, into the run
 * directory); {@code prefdyn train} ({@link prefdyn.cli.experiment.Training}, the one entry point, with its
 * {@link prefdyn.cli.experiment.TrainSettings}; the heap checked by {@code RunMemory}) and {@code prefdyn analyze}
 * ({@link prefdyn.cli.experiment.TrainedRunAnalysis}, with its {@link prefdyn.cli.experiment.AnalyzeSettings}).
 *
 * <p>May use: {@code prefdyn.cli.base}, {@code prefdyn.cli.task}, {@code prefdyn.cli.engine}, {@code prefdyn.cli.run},
 * {@code prefdyn.cli.evaluation}, {@code prefdyn.cli.pairs}.
 */
package prefdyn.cli.experiment;
