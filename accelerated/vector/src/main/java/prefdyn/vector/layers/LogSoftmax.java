package prefdyn.vector.layers;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import prefdyn.reference.util.Parallel;

import static prefdyn.vector.layers.MatrixProduct.SPECIES;

/**
 * Row-wise log-softmax {@code logp[v] = (z[v] − m) − log Σ_u exp(z[u] − m)}, m = max_u z[u], in float32, as
 * {@code prefdyn.reference.layers.LogSoftmax}; the sum of exponentials runs in lanes and is then added over the
 * lanes, the logarithm is one float64 {@code Math.log} per row.
 */
public final class LogSoftmax {

    private static final int L = SPECIES.length();

    private LogSoftmax() {
    }

    /**
     * @param logProbs [N,V] written
     * @param logits   [N,V]
     */
    public static void logSoftmaxForward(Parallel parallel, float[] logProbs, float[] logits, int N, int V) {
        int full = V - V % L; // whole vectors; the rest one element at a time
        parallel.forEach(N, n -> {
            int row = n * V;
            FloatVector maxima = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
            for (int v = 0; v < full; v += L) {
                maxima = maxima.max(FloatVector.fromArray(SPECIES, logits, row + v));
            }
            float max = maxima.reduceLanes(VectorOperators.MAX); // exact in any order
            for (int v = full; v < V; v++) {
                max = Math.max(max, logits[row + v]);
            }
            // e^(z − m) into the output row first, summed from there
            System.arraycopy(logits, row, logProbs, row, V);
            VectorMath.exp(logProbs, row, V, max);
            float logSum = (float) Math.log(sum(logProbs, row, V, full));
            for (int v = 0; v < full; v += L) {
                FloatVector.fromArray(SPECIES, logits, row + v).sub(max).sub(logSum).intoArray(logProbs, row + v);
            }
            for (int v = full; v < V; v++) {
                logProbs[row + v] = logits[row + v] - max - logSum;
            }
        });
    }

    /** Σ of x[from .. from+V): lanes over the first {@code full} elements, then the rest in order. */
    private static float sum(float[] x, int from, int V, int full) {
        FloatVector sums = FloatVector.zero(SPECIES);
        for (int v = 0; v < full; v += L) {
            sums = sums.add(FloatVector.fromArray(SPECIES, x, from + v));
        }
        float[] lanes = VectorMath.scratch();
        sums.intoArray(lanes, 0);
        float total = VectorMath.sumLanes(lanes);
        for (int v = full; v < V; v++) {
            total += x[from + v];
        }
        return total;
    }

    /**
     * Accumulates dlogits[n,v] += dlogp[n,v] − p[n,v] · Σ_u dlogp[n,u], p = exp(logp); rows without upstream
     * gradient are left untouched.
     *
     * @param dlogits   [N,V] accumulated into
     * @param dlogProbs [N,V]
     * @param logProbs  [N,V] from the forward
     */
    public static void logSoftmaxBackward(Parallel parallel, float[] dlogits, float[] dlogProbs, float[] logProbs,
                                          int N, int V) {
        int full = V - V % L;
        parallel.forEach(N, n -> {
            int row = n * V;
            boolean allZero = true;
            for (int v = 0; v < V && allZero; v++) {
                allZero = dlogProbs[row + v] == 0f;
            }
            if (allZero) {
                return; // exact: a row without upstream gradient contributes nothing
            }
            float total = sum(dlogProbs, row, V, full);
            float[] probs = new float[V];                                    // [V] p = e^logp of this row
            System.arraycopy(logProbs, row, probs, 0, V);
            VectorMath.exp(probs, 0, V, 0f);
            FloatVector minusTotal = FloatVector.broadcast(SPECIES, -total);
            for (int v = 0; v < full; v += L) {
                FloatVector p = FloatVector.fromArray(SPECIES, probs, v);
                FloatVector d = FloatVector.fromArray(SPECIES, dlogProbs, row + v);
                p.fma(minusTotal, d).add(FloatVector.fromArray(SPECIES, dlogits, row + v)).intoArray(dlogits, row + v);
            }
            for (int v = full; v < V; v++) {
                dlogits[row + v] += Math.fma(probs[v], -total, dlogProbs[row + v]);
            }
        });
    }
}
