/**
 * {@code prefdyn generate}: continuations of prompts by a checkpoint ({@link prefdyn.cli.generate.Generation}, the
 * one entry point, with its {@link prefdyn.cli.generate.GenerateSettings}), the prompts gathered from the options
 * ({@link prefdyn.cli.generate.PromptTexts}) and the share of the continuations' words that IMDb's training half
 * holds ({@link prefdyn.cli.generate.CoverageReport}).
 *
 * <p>May use: {@code prefdyn.cli.base}, {@code prefdyn.cli.task}, {@code prefdyn.cli.engine},
 * {@code prefdyn.cli.experiment}.
 */
package prefdyn.cli.generate;
