package prefdyn.reference.layers;

/**
 * Picks each sequence's own next token out of the predicted distributions (the "gather" of TRL's
 * {@code selective_log_softmax}): position t's token is predicted by the distribution at position t−1.
 */
public final class TokenLogProb {

    private TokenLogProb() {
    }

    /**
     * tokenLogProbs[b,t] = logProbs[b, t−1, tokens[b,t]] for 1 ≤ t &lt; lengths[b]; 0 at t = 0 and on padding.
     *
     * @param tokenLogProbs [B,T] written
     * @param logProbs      [B,T,V]
     * @param tokens        [B,T]
     * @param lengths       [B] real lengths (≤ T)
     */
    public static void tokenLogProbForward(double[] tokenLogProbs, double[] logProbs, int[] tokens, int[] lengths,
                                           int B, int T, int V) {
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                boolean predicted = t >= 1 && t < lengths[b];
                tokenLogProbs[b * T + t] = predicted ? logProbs[(b * T + t - 1) * V + tokens[b * T + t]] : 0.0;
            }
        }
    }

    /**
     * dlogProbs[b, t−1, tokens[b,t]] += dTokenLogProbs[b,t] for 1 ≤ t &lt; lengths[b].
     *
     * @param dlogProbs      [B,T,V] accumulated into
     * @param dTokenLogProbs [B,T]
     * @param tokens         [B,T]
     * @param lengths        [B]
     */
    public static void tokenLogProbBackward(double[] dlogProbs, double[] dTokenLogProbs, int[] tokens, int[] lengths,
                                            int B, int T, int V) {
        for (int b = 0; b < B; b++) {
            for (int t = 1; t < lengths[b]; t++) {
                dlogProbs[(b * T + t - 1) * V + tokens[b * T + t]] += dTokenLogProbs[b * T + t];
            }
        }
    }

    /**
     * Statistics of the distribution that predicts position t (no gradient; metrics only): entropy
     * −Σ_v p·log p and the largest probability max_v p, for 1 ≤ t &lt; lengths[b]; 0 elsewhere.
     *
     * @param entropies [B,T] written
     * @param maxProbs  [B,T] written
     * @param logProbs  [B,T,V]
     */
    public static void predictionStatistics(double[] entropies, double[] maxProbs, double[] logProbs, int[] lengths,
                                            int B, int T, int V) {
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                double entropy = 0;
                double maxProb = 0;
                if (t >= 1 && t < lengths[b]) {
                    int row = (b * T + t - 1) * V;
                    for (int v = 0; v < V; v++) {
                        double p = Math.exp(logProbs[row + v]);
                        if (p > 0) {
                            entropy -= p * logProbs[row + v];
                        }
                        maxProb = Math.max(maxProb, p);
                    }
                }
                entropies[b * T + t] = entropy;
                maxProbs[b * T + t] = maxProb;
            }
        }
    }
}
