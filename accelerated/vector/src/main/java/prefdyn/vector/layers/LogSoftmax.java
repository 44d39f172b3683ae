package prefdyn.vector.layers;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import prefdyn.reference.util.Parallel;

import static prefdyn.vector.layers.MatrixProduct.SPECIES;

/**
 * Row-wise log-softmax {@code logp[v] = (z[v] − m) − log Σ_u exp(z[u] − m)}, m = max_u z[u], in float32, as
 * {@code prefdyn.reference.layers.LogSoftmax}; the sum of exponentials runs in lanes and is then added in lane
 * order, the logarithm is one float64 {@code Math.log} per row.
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
        parallel.forEach(N, n -> {
            int row = n * V;
            FloatVector maxima = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
            for (int v = 0; v < V; v += L) {
                VectorMask<Float> mask = SPECIES.indexInRange(v, V);
                maxima = maxima.max(FloatVector.fromArray(SPECIES, logits, row + v, mask)
                        .blend(Float.NEGATIVE_INFINITY, mask.not()));
            }
            float max = maxima.reduceLanes(VectorOperators.MAX); // exact in any order
            FloatVector sums = FloatVector.zero(SPECIES);
            for (int v = 0; v < V; v += L) {
                VectorMask<Float> mask = SPECIES.indexInRange(v, V);
                FloatVector e = VectorMath.exp(FloatVector.fromArray(SPECIES, logits, row + v, mask).sub(max));
                sums = sums.add(e.blend(0f, mask.not()));
            }
            float logSum = (float) Math.log(VectorMath.sumLanes(sums, VectorMath.scratch(), 0f));
            for (int v = 0; v < V; v += L) {
                VectorMask<Float> mask = SPECIES.indexInRange(v, V);
                FloatVector.fromArray(SPECIES, logits, row + v, mask).sub(max).sub(logSum)
                        .intoArray(logProbs, row + v, mask);
            }
        });
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
        parallel.forEach(N, n -> {
            int row = n * V;
            FloatVector sums = FloatVector.zero(SPECIES);
            boolean allZero = true;
            for (int v = 0; v < V; v += L) {
                VectorMask<Float> mask = SPECIES.indexInRange(v, V);
                FloatVector d = FloatVector.fromArray(SPECIES, dlogProbs, row + v, mask);
                allZero &= !d.compare(VectorOperators.NE, 0f).anyTrue();
                sums = sums.add(d);
            }
            if (allZero) {
                return;
            }
            float total = VectorMath.sumLanes(sums, VectorMath.scratch(), 0f);
            for (int v = 0; v < V; v += L) {
                VectorMask<Float> mask = SPECIES.indexInRange(v, V);
                FloatVector p = VectorMath.exp(FloatVector.fromArray(SPECIES, logProbs, row + v, mask));
                FloatVector d = FloatVector.fromArray(SPECIES, dlogProbs, row + v, mask);
                p.mul(-total).add(d).add(FloatVector.fromArray(SPECIES, dlogits, row + v, mask))
                        .intoArray(dlogits, row + v, mask);
            }
        });
    }
}
