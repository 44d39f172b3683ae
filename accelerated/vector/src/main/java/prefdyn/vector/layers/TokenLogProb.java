package prefdyn.vector.layers;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import static prefdyn.vector.layers.MatrixProduct.SPECIES;

/**
 * Each sequence's own next token picked out of the predicted distributions, in float32, as
 * {@code prefdyn.reference.layers.TokenLogProb}: position t's token is predicted at position t−1.
 */
public final class TokenLogProb {

    private TokenLogProb() {
    }

    /**
     * tokenLogProbs[b,t] = logProbs[b, t−1, tokens[b,t]] for 1 ≤ t &lt; lengths[b]; 0 elsewhere.
     *
     * @param tokenLogProbs [B,T] written
     * @param logProbs      [B,T,V]
     * @param tokens        [B,T]
     * @param lengths       [B]
     */
    public static void tokenLogProbForward(float[] tokenLogProbs, float[] logProbs, int[] tokens, int[] lengths,
                                           int B, int T, int V) {
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                boolean predicted = t >= 1 && t < lengths[b];
                tokenLogProbs[b * T + t] = predicted ? logProbs[(b * T + t - 1) * V + tokens[b * T + t]] : 0f;
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
    public static void tokenLogProbBackward(float[] dlogProbs, float[] dTokenLogProbs, int[] tokens, int[] lengths,
                                            int B, int T, int V) {
        for (int b = 0; b < B; b++) {
            for (int t = 1; t < lengths[b]; t++) {
                dlogProbs[(b * T + t - 1) * V + tokens[b * T + t]] += dTokenLogProbs[b * T + t];
            }
        }
    }

    /**
     * Entropy −Σ_v p·log p and max_v p of the distribution predicting position t, for 1 ≤ t &lt; lengths[b]; 0
     * elsewhere (metrics only), with p = e^logp ({@link VectorMath#exp}) and the sum in lanes, then over the lanes ({@link VectorMath#sumLanes}).
     *
     * @param entropies [B,T] written
     * @param maxProbs  [B,T] written
     * @param logProbs  [B,T,V]
     * @param lengths   [B]
     */
    public static void predictionStatistics(float[] entropies, float[] maxProbs, float[] logProbs, int[] lengths,
                                            int B, int T, int V) {
        float[] scratch = VectorMath.scratch();
        float[] probs = new float[V];                                        // [V] e^logp of one row
        int full = V - V % L;
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                float entropy = 0f;
                float maxProb = 0f;
                if (t >= 1 && t < lengths[b]) {
                    int row = (b * T + t - 1) * V;
                    System.arraycopy(logProbs, row, probs, 0, V);
                    VectorMath.exp(probs, 0, V, 0f);
                    FloatVector sums = FloatVector.zero(SPECIES);
                    FloatVector maxima = FloatVector.zero(SPECIES);
                    for (int v = 0; v < full; v += L) {
                        FloatVector p = FloatVector.fromArray(SPECIES, probs, v);
                        sums = p.fma(FloatVector.fromArray(SPECIES, logProbs, row + v), sums);
                        maxima = maxima.max(p);
                    }
                    sums.intoArray(scratch, 0);
                    float sum = VectorMath.sumLanes(scratch);
                    maxProb = maxima.reduceLanes(VectorOperators.MAX); // exact in any order
                    for (int v = full; v < V; v++) {
                        sum = Math.fma(probs[v], logProbs[row + v], sum);
                        maxProb = Math.max(maxProb, probs[v]);
                    }
                    entropy = -sum;
                }
                entropies[b * T + t] = entropy;
                maxProbs[b * T + t] = maxProb;
            }
        }
    }

    private static final int L = SPECIES.length();
}
