/**
 * {@link prefdyn.cli.grad.GradDump}: one DPO step's log-probs, loss and every gradient tensor as safetensors, for
 * checking prefdyn against another implementation.
 *
 * <p>May use: {@code prefdyn.cli.base}, {@code prefdyn.cli.engine}.
 */
package prefdyn.cli.grad;
