package prefdyn.datasets;

import java.util.ArrayList;
import java.util.List;

/**
 * On-policy preference pairs (the DPO paper's IMDb protocol): for each prompt, the sampled continuations are
 * ranked by the training reward, and the best one is chosen over the worst one.
 *
 * <p>Rules: the reward is computed once per continuation; the highest reward is chosen and the lowest rejected,
 * ties going to the earlier continuation. A prompt gives no pair when it has fewer than two continuations, when
 * its best and worst rewards are equal (no preference), or when the best and worst texts are equal. Empty
 * continuations are not allowed in a pair file, so they are skipped before ranking.
 */
public final class BestVsWorstPairs {

    private BestVsWorstPairs() {
    }

    /**
     * One best-vs-worst pair per prompt that has a strict preference, in prompt order.
     *
     * @throws IllegalArgumentException if the reward is NaN or infinite, naming the prompt and continuation index
     */
    public static List<ScoredPair> rank(List<PromptCandidates> prompts, Reward reward) {
        List<ScoredPair> pairs = new ArrayList<>();
        for (int p = 0; p < prompts.size(); p++) {
            PromptCandidates candidates = prompts.get(p);
            int best = -1;
            int worst = -1;
            double bestReward = 0;
            double worstReward = 0;
            for (int c = 0; c < candidates.continuations().size(); c++) {
                String continuation = candidates.continuations().get(c);
                if (continuation.isEmpty()) {
                    continue;
                }
                double r = reward.score(candidates.prompt(), continuation);
                if (!Double.isFinite(r)) {
                    throw new IllegalArgumentException("prompt " + p + ", continuation " + c + ": expected a finite"
                            + " reward, got " + r);
                }
                if (best < 0 || r > bestReward) {
                    best = c;
                    bestReward = r;
                }
                if (worst < 0 || r < worstReward) {
                    worst = c;
                    worstReward = r;
                }
            }
            if (best < 0 || bestReward == worstReward) {
                continue;
            }
            String chosen = candidates.continuations().get(best);
            String rejected = candidates.continuations().get(worst);
            if (!chosen.equals(rejected)) {
                pairs.add(new ScoredPair(new PreferencePair(candidates.prompt(), chosen, rejected), bestReward,
                        worstReward));
            }
        }
        return pairs;
    }

    /** The pairs of {@link #rank} without their rewards, ready for {@link PairFile#write}. */
    public static List<PreferencePair> pairs(List<PromptCandidates> prompts, Reward reward) {
        return rank(prompts, reward).stream().map(ScoredPair::pair).toList();
    }
}
