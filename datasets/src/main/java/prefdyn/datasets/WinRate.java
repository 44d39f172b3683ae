package prefdyn.datasets;

/**
 * Win rate against the SFT model: on each evaluation prompt the judge ({@link AfinnJudge}) scores the policy's
 * continuation and the SFT model's; the policy wins (1) if its score is higher, ties (½) if equal, loses (0) if
 * lower. The win rate is the mean outcome, so a policy no different from the SFT model sits at ½. Ties count a
 * half because a lexicon judge often gives both continuations the same score (e.g. 0 for two neutral texts);
 * counting them as losses, or dropping them, would move the no-change baseline away from ½.
 *
 * <p>The interval is a seeded bootstrap over prompts ({@link Bootstrap}). {@link #meanReward} gives the mean
 * reward (of the training reward or the judge) with its interval, for the reward-vs-KL frontier of the DPO
 * paper's IMDb figure (the KL to the reference comes from the model).
 */
public final class WinRate {

    private WinRate() {
    }

    /** The per-prompt outcomes: 1 where policy &gt; sft, ½ where equal, 0 where lower. */
    public static double[] outcomes(double[] policyScores, double[] sftScores) {
        if (policyScores.length != sftScores.length) {
            throw new IllegalArgumentException("scores: expected one policy and one SFT score per prompt, got "
                    + policyScores.length + " policy and " + sftScores.length + " SFT scores");
        }
        double[] outcomes = new double[policyScores.length];
        for (int i = 0; i < outcomes.length; i++) {
            double policy = policyScores[i];
            double sft = sftScores[i];
            if (!Double.isFinite(policy) || !Double.isFinite(sft)) {
                throw new IllegalArgumentException("prompt " + i + ": expected finite scores, got policy " + policy
                        + " and SFT " + sft);
            }
            outcomes[i] = policy > sft ? 1.0 : policy == sft ? 0.5 : 0.0;
        }
        return outcomes;
    }

    /** The win rate with a 95% interval from 2,000 resamples. */
    public static Estimate of(double[] policyScores, double[] sftScores, long seed) {
        return of(policyScores, sftScores, Bootstrap.DEFAULT_CONFIDENCE, Bootstrap.DEFAULT_RESAMPLES, seed);
    }

    /** The win rate with a bootstrap percentile interval. */
    public static Estimate of(double[] policyScores, double[] sftScores, double confidence, int resamples,
                              long seed) {
        return Bootstrap.mean(outcomes(policyScores, sftScores), confidence, resamples, seed);
    }

    /** The mean reward over prompts with a 95% interval from 2,000 resamples. */
    public static Estimate meanReward(double[] rewards, long seed) {
        return Bootstrap.mean(rewards, Bootstrap.DEFAULT_CONFIDENCE, Bootstrap.DEFAULT_RESAMPLES, seed);
    }
}
