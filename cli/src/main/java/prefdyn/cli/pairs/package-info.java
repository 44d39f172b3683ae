/**
 * IMDb preference pairs: {@link prefdyn.cli.pairs.PairSampling} (on-policy pairs of a start model, sampled in
 * seeded chunks side by side; {@code train}'s and the demo's too) and {@code prefdyn pairs}
 * ({@link prefdyn.cli.pairs.PairWriting}, the one entry point, with its {@link prefdyn.cli.pairs.PairsSettings}): the
 * on-policy and human pair files in TRL JSONL.
 *
 * <p>May use: {@code prefdyn.cli.base}, {@code prefdyn.cli.task}, {@code prefdyn.cli.engine}.
 */
package prefdyn.cli.pairs;
