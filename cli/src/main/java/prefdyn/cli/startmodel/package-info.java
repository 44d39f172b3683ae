/**
 * Pre-training a start model on IMDb ({@code prefdyn sft}): the tokenizer and the corpus chosen by name, the
 * engine that trains, the resumable training loop of {@code prefdyn.datasets.startmodel}, and the checkpoint with
 * its tokenizer, curve and samples ({@link prefdyn.cli.startmodel.StartModelRun}, the one entry point, with its
 * {@code Request}), in a folder that keeps a user's other files ({@link prefdyn.cli.startmodel.StartModelFolder}).
 *
 * <p>May use: {@code prefdyn.cli.base}, {@code prefdyn.cli.engine}.
 */
package prefdyn.cli.startmodel;
