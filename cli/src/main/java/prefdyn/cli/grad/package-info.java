/**
 * {@code prefdyn grad} ({@link prefdyn.cli.grad.GradRun}, the one entry point, with its
 * {@link prefdyn.cli.grad.GradSettings}): {@link prefdyn.cli.grad.GradDump}, one DPO step's log-probs, loss and
 * every gradient tensor as safetensors, for checking prefdyn against another implementation.
 *
 * <p>May use: {@code prefdyn.cli.base}, {@code prefdyn.cli.engine}, {@code prefdyn.cli.run},
 * {@code prefdyn.cli.experiment}.
 */
package prefdyn.cli.grad;
