package prefdyn.reference.sft;

import prefdyn.reference.engine.BackwardSeeds;
import prefdyn.reference.engine.ForwardResult;
import prefdyn.reference.engine.TokenBatch;

/**
 * Supervised fine-tuning: the negative log-likelihood of the response tokens, averaged over all response tokens
 * of the batch (TRL's token-level mean):
 * <pre>
 *   L = −(1/N) Σ_b Σ_t mask[b,t] · log π(token[b,t] | token[b,&lt;t]),   N = Σ mask
 *   ∂L/∂logp[b,t] = −mask[b,t] / N
 * </pre>
 * Pre-training on plain text is the same loss with a one-token prompt.
 */
public final class SftLoss {

    private SftLoss() {
    }

    /** L for a forward result of {@code batch}. */
    public static double loss(TokenBatch batch, ForwardResult result) {
        double sum = 0;
        int count = 0;
        for (int b = 0; b < batch.batchSize(); b++) {
            for (int t = 0; t < batch.width(); t++) {
                if (batch.responseMask()[b][t]) {
                    sum += result.tokenLogProbs()[b][t];
                    count++;
                }
            }
        }
        return -sum / count;
    }

    /** The seeds ∂L/∂logp[b,t] = −mask[b,t]/N. */
    public static BackwardSeeds seeds(TokenBatch batch) {
        int count = 0;
        for (int b = 0; b < batch.batchSize(); b++) {
            count += batch.responseTokenCount(b);
        }
        double[][] seeds = new double[batch.batchSize()][batch.width()];
        for (int b = 0; b < batch.batchSize(); b++) {
            for (int t = 0; t < batch.width(); t++) {
                seeds[b][t] = batch.responseMask()[b][t] ? -1.0 / count : 0.0;
            }
        }
        return BackwardSeeds.ofTokenLogProbs(seeds);
    }

    /**
     * TRL's {@code mean_token_accuracy}: the fraction of response tokens that are the argmax of the predicted
     * distribution (a token is the argmax when its probability equals the largest one).
     */
    public static double meanTokenAccuracy(TokenBatch batch, ForwardResult result) {
        int hits = 0;
        int count = 0;
        for (int b = 0; b < batch.batchSize(); b++) {
            for (int t = 0; t < batch.width(); t++) {
                if (batch.responseMask()[b][t]) {
                    count++;
                    if (Math.exp(result.tokenLogProbs()[b][t]) >= result.maxProbs()[b][t] * (1 - 1e-12)) {
                        hits++;
                    }
                }
            }
        }
        return hits / (double) count;
    }

    /** The token-weighted mean entropy of the predictive distributions over the response tokens. */
    public static double meanEntropy(TokenBatch batch, ForwardResult result) {
        double sum = 0;
        int count = 0;
        for (int b = 0; b < batch.batchSize(); b++) {
            for (int t = 0; t < batch.width(); t++) {
                if (batch.responseMask()[b][t]) {
                    sum += result.entropies()[b][t];
                    count++;
                }
            }
        }
        return sum / count;
    }
}
