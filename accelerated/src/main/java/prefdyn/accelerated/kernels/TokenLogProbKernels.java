package prefdyn.accelerated.kernels;

/**
 * Twin of {@code prefdyn.reference.layers.TokenLogProb}: each sequence's own next token picked out of the predicted
 * distributions; position t's token is predicted at position t−1.
 */
abstract class TokenLogProbKernels extends LogSoftmaxKernels {

    /**
     * Mirrors {@code TokenLogProb.tokenLogProbForward}: tokenLogProbs[b,t] = logProbs[b, t−1, tokens[b,t]] for
     * 1 ≤ t &lt; lengths[b], 0 elsewhere. One work item per (b,t): B·T items.
     *
     * @param tokenLogProbs [B,T] written
     * @param logProbs      [B,T,V]
     * @param tokens        [B,T]
     * @param lengths       [B]
     */
    protected void tokenLogProbForward(int item, float[] tokenLogProbs, int tokenLogProbsOffset, float[] logProbs,
                                       int logProbsOffset, int[] tokens, int tokensOffset, int[] lengths,
                                       int lengthsOffset, int T, int V) {
        int b = item / T;
        int t = item % T;
        float value = 0f;
        if (t >= 1 && t < lengths[lengthsOffset + b]) {
            value = logProbs[logProbsOffset + (item - 1) * V + tokens[tokensOffset + item]];
        }
        tokenLogProbs[tokenLogProbsOffset + item] = value;
    }

    /**
     * Mirrors {@code TokenLogProb.tokenLogProbBackward}: dlogProbs[b, t−1, tokens[b,t]] += dTokenLogProbs[b,t] for
     * 1 ≤ t &lt; lengths[b]. One work item per (b,t); each writes its own element of row t−1.
     *
     * @param dlogProbs      [B,T,V] accumulated into
     * @param dTokenLogProbs [B,T]
     */
    protected void tokenLogProbBackward(int item, float[] dlogProbs, int dlogProbsOffset, float[] dTokenLogProbs,
                                        int dTokenLogProbsOffset, int[] tokens, int tokensOffset, int[] lengths,
                                        int lengthsOffset, int T, int V) {
        int b = item / T;
        int t = item % T;
        if (t >= 1 && t < lengths[lengthsOffset + b]) {
            dlogProbs[dlogProbsOffset + (item - 1) * V + tokens[tokensOffset + item]]
                    += dTokenLogProbs[dTokenLogProbsOffset + item];
        }
    }

    /**
     * Mirrors {@code TokenLogProb.predictionStatistics}: entropy −Σ_v p·log p and max_v p of the distribution that
     * predicts position t, for 1 ≤ t &lt; lengths[b]; 0 elsewhere. One work item per (b,t).
     *
     * @param entropies [B,T] written
     * @param maxProbs  [B,T] written
     * @param logProbs  [B,T,V]
     */
    protected void predictionStatistics(int item, float[] entropies, int entropiesOffset, float[] maxProbs,
                                        int maxProbsOffset, float[] logProbs, int logProbsOffset, int[] lengths,
                                        int lengthsOffset, int T, int V) {
        int b = item / T;
        int t = item % T;
        float entropy = 0f;
        float maxProb = 0f;
        if (t >= 1 && t < lengths[lengthsOffset + b]) {
            int row = logProbsOffset + (item - 1) * V;
            for (int v = 0; v < V; v++) {
                float p = exp(logProbs[row + v]);
                if (p > 0f) {
                    entropy -= p * logProbs[row + v];
                }
                maxProb = max(maxProb, p);
            }
        }
        entropies[entropiesOffset + item] = entropy;
        maxProbs[maxProbsOffset + item] = maxProb;
    }
}
