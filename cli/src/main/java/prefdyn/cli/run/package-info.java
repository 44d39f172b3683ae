/**
 * One run's settings and files: {@link prefdyn.cli.run.RunConfig} (every setting, by concern, as written to and read
 * from {@code config.json}), {@link prefdyn.cli.run.Objective} and {@link prefdyn.cli.run.GPasses} (option values),
 * {@link prefdyn.cli.run.RunDirectory} (a run directory's lock, manifest, marker and atomic
 * files; creating, resuming and reopening it) and
 * {@link prefdyn.cli.run.RunData} (reading a finished run's files back).
 *
 * <p>May use: {@code prefdyn.cli.base}, {@code prefdyn.cli.task}.
 */
package prefdyn.cli.run;
