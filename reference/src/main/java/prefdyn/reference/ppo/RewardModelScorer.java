package prefdyn.reference.ppo;

import prefdyn.reference.data.PromptResponse;
import prefdyn.reference.data.SequenceBatches;
import prefdyn.reference.engine.ForwardResult;
import prefdyn.reference.engine.PolicyEngine;
import prefdyn.reference.engine.TokenBatch;

import java.util.List;

/**
 * A trained reward model used as PPO's {@link RewardFunction}: the score of a sequence is the reward head's output
 * {@code r[b][t]} at the <b>last real token</b> of {@code prompt ++ response}, i.e. at position
 * {@code t = promptLength + responseLength − 1} (the last response token; the end-of-text token when generation
 * stopped on it). That position has read the whole sequence through causal attention, and padding to its right is
 * never read, so a sequence's score does not depend on what it is batched with.
 *
 * <p>TRL's {@code get_reward} reads the score head "at the last non-pad token"; with TRL's usual
 * {@code pad_token = eos_token} that is the token before the end-of-sequence token, whereas prefdyn's byte
 * tokenizer keeps end-of-text as a real response token, so it is the end-of-text token itself. A reward model
 * trained on the same convention (score at the last token of the sequence it saw) is consistent with this.
 */
public final class RewardModelScorer implements RewardFunction {

    private final PolicyEngine rewardModel;

    /** @throws IllegalArgumentException when the model has no reward head */
    public RewardModelScorer(PolicyEngine rewardModel) {
        if (!rewardModel.config().rewardHead()) {
            throw new IllegalArgumentException("the reward model must have a reward head (GptConfig.rewardHead), "
                    + "but its config has none: " + rewardModel.config());
        }
        this.rewardModel = rewardModel;
    }

    /**
     * @param sequences [N] prompt/response pairs, each at most the reward model's context length
     * @return [N] r[b][length_b − 1]
     */
    @Override
    public double[] score(List<PromptResponse> sequences) {
        TokenBatch batch = SequenceBatches.of(sequences, rewardModel.config().contextLength());
        ForwardResult result = rewardModel.forward(batch);
        double[] scores = new double[sequences.size()];
        for (int b = 0; b < scores.length; b++) {
            scores[b] = result.rewards()[b][batch.lengths()[b] - 1];
        }
        return scores;
    }

    public PolicyEngine rewardModel() {
        return rewardModel;
    }
}
