package prefdyn.reference.reward;

import prefdyn.reference.dpo.PairBatch;
import prefdyn.reference.engine.BackwardSeeds;
import prefdyn.reference.engine.ForwardResult;
import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.model.NonFiniteValueException;
import prefdyn.reference.util.Stable;

/**
 * A Bradley–Terry reward model (Ouyang et al. 2022, Eq. 1; TRL's RewardTrainer): the scalar head's output at the
 * <em>last real token</em> of each sequence is its score r(x, y), and for P pairs
 * <pre>
 *   L = mean_i softplus(−(r⁺_i − r⁻_i)) = −mean_i log σ(r⁺_i − r⁻_i)
 *   ∂L/∂r⁺_i = −σ(−(r⁺_i − r⁻_i)) / P,    ∂L/∂r⁻_i = +σ(−(r⁺_i − r⁻_i)) / P
 * </pre>
 * Because the model is causal and padding is on the right, the score does not depend on padding.
 */
public final class RewardModelLoss {

    private RewardModelLoss() {
    }

    /** [B] the score of each row: the reward-head output at position lengths[b] − 1. */
    public static double[] scores(TokenBatch batch, ForwardResult result) {
        if (result.rewards() == null) {
            throw new IllegalArgumentException("the model has no reward head (GptConfig.rewardHead)");
        }
        double[] scores = new double[batch.batchSize()];
        for (int b = 0; b < scores.length; b++) {
            scores[b] = result.rewards()[b][batch.lengths()[b] - 1];
        }
        return scores;
    }

    /** The loss and the seeds for backward of one pair batch. */
    public record Terms(double loss, double accuracy, double[] chosenScores, double[] rejectedScores,
                        BackwardSeeds seeds) {
    }

    public static Terms compute(PairBatch pairs, ForwardResult result, long step) {
        TokenBatch batch = pairs.batch();
        double[] scores = scores(batch, result);
        double[] chosen = pairs.chosen(scores);
        double[] rejected = pairs.rejected(scores);
        int count = pairs.pairCount();
        double[][] seeds = new double[batch.batchSize()][batch.width()];
        double loss = 0;
        double accuracy = 0;
        for (int i = 0; i < count; i++) {
            double margin = chosen[i] - rejected[i];
            if (!Double.isFinite(margin)) {
                throw new NonFiniteValueException("non-finite reward margin at step " + step + ", pair " + i, i);
            }
            loss += Stable.softplus(-margin);
            accuracy += margin > 0 ? 1 : 0;
            double weight = Stable.sigmoid(-margin) / count;
            seeds[pairs.chosenRow(i)][batch.lengths()[pairs.chosenRow(i)] - 1] = -weight;
            seeds[pairs.rejectedRow(i)][batch.lengths()[pairs.rejectedRow(i)] - 1] = weight;
        }
        return new Terms(loss / count, accuracy / count, chosen, rejected, new BackwardSeeds(null, null, seeds));
    }
}
