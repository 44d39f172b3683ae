package prefdyn.reference.ppo;

import prefdyn.reference.data.PromptResponse;
import prefdyn.reference.engine.TokenBatch;

import java.util.List;

/**
 * What one PPO rollout collected, before anything is learned from it (TRL's steps 1–4). All [B][W] arrays are in
 * token coordinates (entry [b][t] belongs to response token t; 0 off the response mask).
 *
 * @param sequences   [B] prompt and sampled response of each row
 * @param batch       the rows laid out prompt ++ response, right-padded with end-of-text
 * @param oldLogProbs [B][W] logπ_old(a_t|s_t): the policy that sampled, at temperature 1
 * @param refLogProbs [B][W] logπ_ref(a_t|s_t) of the frozen reference
 * @param entropies   [B][W] entropy of π_old(·|s_t)
 * @param oldValues   [B][W] V_old(s_t) of the critic (read at position t − 1, see {@link ValueAlignment})
 * @param scores      [B] RM(x, y) from the {@link RewardFunction}
 */
public record Rollout(List<PromptResponse> sequences, TokenBatch batch, double[][] oldLogProbs,
                      double[][] refLogProbs, double[][] entropies, double[][] oldValues, double[] scores) {

    public Rollout {
        sequences = List.copyOf(sequences);
    }

    public int batchSize() {
        return batch.batchSize();
    }

    public boolean[][] mask() {
        return batch.responseMask();
    }
}
