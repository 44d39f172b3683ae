package prefdyn.accelerated.kernels;

/**
 * Twin of {@code prefdyn.reference.layers.LogSoftmax}: {@code logp[v] = (z[v] − m) − log Σ_u exp(z[u] − m)},
 * m = max_u z[u].
 */
abstract class LogSoftmaxKernels extends LmHeadKernels {

    /**
     * Mirrors {@code LogSoftmax.logSoftmaxForward}. One work item per row n: N items.
     *
     * @param logProbs [N,V] written
     * @param logits   [N,V]
     */
    protected void logSoftmaxForward(int item, float[] logProbs, int logProbsOffset, float[] logits, int logitsOffset,
                                     int V) {
        int row = item * V;
        float rowMax = logits[logitsOffset + row];
        for (int v = 1; v < V; v++) {
            rowMax = max(rowMax, logits[logitsOffset + row + v]);
        }
        float sum = 0f;
        for (int v = 0; v < V; v++) {
            sum += exp(logits[logitsOffset + row + v] - rowMax);
        }
        float logSum = log(sum);
        for (int v = 0; v < V; v++) {
            logProbs[logProbsOffset + row + v] = logits[logitsOffset + row + v] - rowMax - logSum;
        }
    }

    /**
     * Mirrors {@code LogSoftmax.logSoftmaxBackward}: dlogits[n,v] += dlogp[n,v] − p[n,v] · Σ_u dlogp[n,u],
     * p = exp(logp); a row whose upstream gradient is all zero is left untouched, as in the reference. N items.
     *
     * @param dlogits   [N,V] accumulated into
     * @param dlogProbs [N,V]
     * @param logProbs  [N,V] from the forward
     */
    protected void logSoftmaxBackward(int item, float[] dlogits, int dlogitsOffset, float[] dlogProbs,
                                      int dlogProbsOffset, float[] logProbs, int logProbsOffset, int V) {
        int row = item * V;
        float total = 0f;
        int nonZero = 0;
        for (int v = 0; v < V; v++) {
            float d = dlogProbs[dlogProbsOffset + row + v];
            total += d;
            nonZero = d != 0f ? 1 : nonZero;
        }
        if (nonZero == 1) {
            for (int v = 0; v < V; v++) {
                dlogits[dlogitsOffset + row + v] += dlogProbs[dlogProbsOffset + row + v]
                        - exp(logProbs[logProbsOffset + row + v]) * total;
            }
        }
    }
}
