package prefdyn.vector.layers;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import prefdyn.reference.util.Parallel;

import static prefdyn.vector.layers.MatrixProduct.SPECIES;

/**
 * Layer normalisation over channels (Ba et al. 2016), as {@code prefdyn.reference.layers.LayerNorm}, in float32:
 * {@code y = (x − μ)·rstd·w + b}, rstd = 1/√(σ² + ε). Row sums run in vector lanes (lane j holds the channels
 * ≡ j mod L), then the lanes are added in order ({@link VectorMath#sumLanes}); the statistics of a row depend on
 * that row only, so any number of rows in a call gives the same bits.
 */
public final class LayerNorm {

    private static final int L = SPECIES.length();

    private LayerNorm() {
    }

    /**
     * out[n,c] = (inp[n,c] − mean[n]) · rstd[n] · weight[c] + bias[c].
     *
     * @param out    [N,C] written
     * @param mean   [N] written
     * @param rstd   [N] written
     * @param inp    [N,C]
     * @param params [P]; weight [C] at {@code weightOffset}, bias [C] at {@code biasOffset}
     */
    public static void layerNormForward(Parallel parallel, float[] out, float[] mean, float[] rstd, float[] inp,
                                        float[] params, int weightOffset, int biasOffset, int N, int C, double eps) {
        parallel.forEach(blocks(N), block -> {
            float[] scratch = VectorMath.scratch();
            for (int n = block * ROWS_PER_TASK; n < Math.min(N, (block + 1) * ROWS_PER_TASK); n++) {
                int row = n * C;
                FloatVector sum = FloatVector.zero(SPECIES);
                for (int c = 0; c < C; c += L) {
                    sum = sum.add(FloatVector.fromArray(SPECIES, inp, row + c, SPECIES.indexInRange(c, C)));
                }
                float mu = VectorMath.sumLanes(sum, scratch, 0f) / C;
                FloatVector squares = FloatVector.zero(SPECIES);
                for (int c = 0; c < C; c += L) {
                    VectorMask<Float> mask = SPECIES.indexInRange(c, C);
                    FloatVector centered = FloatVector.fromArray(SPECIES, inp, row + c, mask).sub(mu);
                    squares = centered.fma(centered, squares).blend(squares, mask.not());
                }
                float s = (float) (1.0 / Math.sqrt(VectorMath.sumLanes(squares, scratch, 0f) / C + (float) eps));
                for (int c = 0; c < C; c += L) {
                    VectorMask<Float> mask = SPECIES.indexInRange(c, C);
                    FloatVector x = FloatVector.fromArray(SPECIES, inp, row + c, mask);
                    FloatVector w = FloatVector.fromArray(SPECIES, params, weightOffset + c, mask);
                    FloatVector b = FloatVector.fromArray(SPECIES, params, biasOffset + c, mask);
                    x.sub(mu).mul(s).fma(w, b).intoArray(out, row + c, mask);
                }
                mean[n] = mu;
                rstd[n] = s;
            }
        });
    }

    /**
     * Accumulates the gradients of {@link #layerNormForward}. With x̂ = (x − μ)·rstd and g = w ⊙ dout:
     * <pre>
     *   ∂L/∂x[c] += rstd · ( g[c] − mean_c'(g) − x̂[c] · mean_c'(g ⊙ x̂) )
     *   ∂L/∂w[c] += Σ_n x̂[n,c] · dout[n,c]        ∂L/∂b[c] += Σ_n dout[n,c]      (ascending n)
     * </pre>
     *
     * @param dinp  [N,C] accumulated into
     * @param grads [P] accumulated into at the weight and bias offsets
     * @param dout  [N,C]
     * @param inp   [N,C] the forward input
     * @param mean  [N] and {@code rstd} [N] from the forward
     */
    public static void layerNormBackward(Parallel parallel, float[] dinp, float[] grads, float[] dout, float[] inp,
                                         float[] params, int weightOffset, int biasOffset, float[] mean,
                                         float[] rstd, int N, int C) {
        parallel.forEach(blocks(N), block -> {
            float[] scratch = VectorMath.scratch();
            for (int n = block * ROWS_PER_TASK; n < Math.min(N, (block + 1) * ROWS_PER_TASK); n++) {
                int row = n * C;
                float mu = mean[n];
                float s = rstd[n];
                FloatVector sumG = FloatVector.zero(SPECIES);
                FloatVector sumGxHat = FloatVector.zero(SPECIES);
                for (int c = 0; c < C; c += L) {
                    VectorMask<Float> mask = SPECIES.indexInRange(c, C);
                    FloatVector xHat = FloatVector.fromArray(SPECIES, inp, row + c, mask).sub(mu).mul(s);
                    FloatVector g = FloatVector.fromArray(SPECIES, params, weightOffset + c, mask)
                            .mul(FloatVector.fromArray(SPECIES, dout, row + c, mask));
                    sumG = sumG.add(g);
                    sumGxHat = g.fma(xHat, sumGxHat).blend(sumGxHat, mask.not());
                }
                float meanG = VectorMath.sumLanes(sumG, scratch, 0f) / C;
                float meanGxHat = VectorMath.sumLanes(sumGxHat, scratch, 0f) / C;
                for (int c = 0; c < C; c += L) {
                    VectorMask<Float> mask = SPECIES.indexInRange(c, C);
                    FloatVector xHat = FloatVector.fromArray(SPECIES, inp, row + c, mask).sub(mu).mul(s);
                    FloatVector g = FloatVector.fromArray(SPECIES, params, weightOffset + c, mask)
                            .mul(FloatVector.fromArray(SPECIES, dout, row + c, mask));
                    FloatVector d = xHat.fma(FloatVector.broadcast(SPECIES, -meanGxHat), g.sub(meanG)).mul(s);
                    FloatVector.fromArray(SPECIES, dinp, row + c, mask).add(d).intoArray(dinp, row + c, mask);
                }
            }
        });
        int vectors = (C + L - 1) / L;
        parallel.forEach(vectors, j -> {
            int c = j * L;
            VectorMask<Float> mask = SPECIES.indexInRange(c, C);
            FloatVector weightGrad = FloatVector.zero(SPECIES);
            FloatVector biasGrad = FloatVector.zero(SPECIES);
            for (int n = 0; n < N; n++) {
                FloatVector d = FloatVector.fromArray(SPECIES, dout, n * C + c, mask);
                FloatVector xHat = FloatVector.fromArray(SPECIES, inp, n * C + c, mask).sub(mean[n]).mul(rstd[n]);
                weightGrad = xHat.fma(d, weightGrad);
                biasGrad = biasGrad.add(d);
            }
            FloatVector.fromArray(SPECIES, grads, weightOffset + c, mask).add(weightGrad)
                    .intoArray(grads, weightOffset + c, mask);
            FloatVector.fromArray(SPECIES, grads, biasOffset + c, mask).add(biasGrad)
                    .intoArray(grads, biasOffset + c, mask);
        });
    }

    private static final int ROWS_PER_TASK = 16;

    private static int blocks(int N) {
        return (N + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
    }
}
