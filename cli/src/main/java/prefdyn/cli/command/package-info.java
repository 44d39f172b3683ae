/**
 * The picocli commands ({@code demo}, {@code train}, {@code analyze}, {@code report}, {@code generate},
 * {@code pairs}, {@code sft}, {@code bench}, {@code grad}, {@code reproduce}) and the options they share
 * ({@link prefdyn.cli.command.CommonOptions}, {@link prefdyn.cli.command.RunOptions}). A command parses and checks
 * its options and calls one entry point of the packages below with a settings record; what a run does lives there.
 *
 * <p>May use: {@code prefdyn.cli.base}, {@code prefdyn.cli.engine}, {@code prefdyn.cli.run},
 * {@code prefdyn.cli.experiment}, {@code prefdyn.cli.report}, {@code prefdyn.cli.demo}, {@code prefdyn.cli.grad},
 * {@code prefdyn.cli.bench}, {@code prefdyn.cli.startmodel}, {@code prefdyn.cli.reproduce},
 * {@code prefdyn.cli.generate}, {@code prefdyn.cli.pairs}.
 */
package prefdyn.cli.command;
