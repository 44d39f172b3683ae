/**
 * The final evaluation of a trained policy against the start model ({@link prefdyn.cli.evaluation.Evaluation}):
 * seeded samples, the judge's win rate with a bootstrap interval, reward, judge score and KL.
 *
 * <p>May use: {@code prefdyn.cli.task}.
 */
package prefdyn.cli.evaluation;
