/**
 * The IMDb controlled-sentiment task as runs use it ({@link prefdyn.cli.task.ImdbTask}): the committed sample, the
 * training reward (Naive Bayes), the held-out judge (AFINN-165) and the review-opening prompts.
 *
 * <p>May use: nothing else in prefdyn.cli.
 */
package prefdyn.cli.task;
