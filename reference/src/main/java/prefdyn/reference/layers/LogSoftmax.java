package prefdyn.reference.layers;

import prefdyn.reference.util.Parallel;

/**
 * Row-wise log-softmax, computed stably by subtracting the row maximum:
 * {@code logp[v] = (z[v] − m) − log Σ_u exp(z[u] − m)}, m = max_u z[u].
 */
public final class LogSoftmax {

    private LogSoftmax() {
    }

    /**
     * @param logProbs [N,V] written
     * @param logits   [N,V]
     */
    public static void logSoftmaxForward(Parallel parallel, double[] logProbs, double[] logits, int N, int V) {
        parallel.forEach(N, n -> {
            int row = n * V;
            double max = Double.NEGATIVE_INFINITY;
            for (int v = 0; v < V; v++) {
                max = Math.max(max, logits[row + v]);
            }
            double sum = 0;
            for (int v = 0; v < V; v++) {
                sum += Math.exp(logits[row + v] - max);
            }
            double logSum = Math.log(sum);
            for (int v = 0; v < V; v++) {
                logProbs[row + v] = logits[row + v] - max - logSum;
            }
        });
    }

    /**
     * Accumulates dlogits[n,v] += dlogp[n,v] − p[n,v] · Σ_u dlogp[n,u], with p = exp(logp): the Jacobian of
     * log-softmax, ∂logp[u]/∂z[v] = δ_uv − p[v].
     *
     * @param dlogits  [N,V] accumulated into
     * @param dlogProbs [N,V]
     * @param logProbs [N,V] from the forward
     */
    public static void logSoftmaxBackward(Parallel parallel, double[] dlogits, double[] dlogProbs, double[] logProbs,
                                          int N, int V) {
        parallel.forEach(N, n -> {
            int row = n * V;
            double total = 0;
            for (int v = 0; v < V; v++) {
                total += dlogProbs[row + v];
            }
            if (total == 0.0) {
                boolean allZero = true;
                for (int v = 0; v < V && allZero; v++) {
                    allZero = dlogProbs[row + v] == 0.0;
                }
                if (allZero) {
                    return; // exact: a row without upstream gradient contributes nothing
                }
            }
            for (int v = 0; v < V; v++) {
                dlogits[row + v] += dlogProbs[row + v] - Math.exp(logProbs[row + v]) * total;
            }
        });
    }
}
