package prefdyn.vector.layers;

import jdk.incubator.vector.FloatVector;
import prefdyn.reference.util.Parallel;

import static prefdyn.vector.layers.MatrixProduct.SPECIES;

/**
 * Layer normalisation over channels (Ba et al. 2016), as {@code prefdyn.reference.layers.LayerNorm}, in float32:
 * {@code y = (x − μ)·rstd·w + b}, rstd = 1/√(σ² + ε). Row sums run in vector lanes (lane j holds the channels
 * ≡ j mod L), then the lanes are added in a fixed order ({@link VectorMath#sumLanes}); the statistics of a row depend on
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
        int full = C - C % L; // channels in whole vectors; the rest one at a time, after the lanes
        parallel.forEach(blocks(N), block -> {
            float[] scratch = VectorMath.scratch();
            for (int n = block * ROWS_PER_TASK; n < Math.min(N, (block + 1) * ROWS_PER_TASK); n++) {
                int row = n * C;
                FloatVector sum = FloatVector.zero(SPECIES);
                for (int c = 0; c < full; c += L) {
                    sum = sum.add(FloatVector.fromArray(SPECIES, inp, row + c));
                }
                sum.intoArray(scratch, 0);
                float total = VectorMath.sumLanes(scratch);
                for (int c = full; c < C; c++) {
                    total += inp[row + c];
                }
                float mu = total / C;
                FloatVector squares = FloatVector.zero(SPECIES);
                for (int c = 0; c < full; c += L) {
                    FloatVector centered = FloatVector.fromArray(SPECIES, inp, row + c).sub(mu);
                    squares = centered.fma(centered, squares);
                }
                squares.intoArray(scratch, 0);
                float squareSum = VectorMath.sumLanes(scratch);
                for (int c = full; c < C; c++) {
                    float centered = inp[row + c] - mu;
                    squareSum = Math.fma(centered, centered, squareSum);
                }
                float s = (float) (1.0 / Math.sqrt(squareSum / C + (float) eps));
                for (int c = 0; c < full; c += L) {
                    FloatVector x = FloatVector.fromArray(SPECIES, inp, row + c);
                    FloatVector w = FloatVector.fromArray(SPECIES, params, weightOffset + c);
                    FloatVector b = FloatVector.fromArray(SPECIES, params, biasOffset + c);
                    x.sub(mu).mul(s).fma(w, b).intoArray(out, row + c);
                }
                for (int c = full; c < C; c++) {
                    out[row + c] = Math.fma((inp[row + c] - mu) * s, params[weightOffset + c],
                            params[biasOffset + c]);
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
        int full = C - C % L;
        parallel.forEach(blocks(N), block -> {
            float[] scratch = VectorMath.scratch();
            for (int n = block * ROWS_PER_TASK; n < Math.min(N, (block + 1) * ROWS_PER_TASK); n++) {
                int row = n * C;
                float mu = mean[n];
                float s = rstd[n];
                FloatVector sumG = FloatVector.zero(SPECIES);
                FloatVector sumGxHat = FloatVector.zero(SPECIES);
                for (int c = 0; c < full; c += L) {
                    FloatVector xHat = FloatVector.fromArray(SPECIES, inp, row + c).sub(mu).mul(s);
                    FloatVector g = FloatVector.fromArray(SPECIES, params, weightOffset + c)
                            .mul(FloatVector.fromArray(SPECIES, dout, row + c));
                    sumG = sumG.add(g);
                    sumGxHat = g.fma(xHat, sumGxHat);
                }
                sumG.intoArray(scratch, 0);
                float totalG = VectorMath.sumLanes(scratch);
                sumGxHat.intoArray(scratch, 0);
                float totalGxHat = VectorMath.sumLanes(scratch);
                for (int c = full; c < C; c++) {
                    float xHat = (inp[row + c] - mu) * s;
                    float g = params[weightOffset + c] * dout[row + c];
                    totalG += g;
                    totalGxHat = Math.fma(g, xHat, totalGxHat);
                }
                float meanG = totalG / C;
                float meanGxHat = totalGxHat / C;
                FloatVector minusMeanGxHat = FloatVector.broadcast(SPECIES, -meanGxHat);
                for (int c = 0; c < full; c += L) {
                    FloatVector xHat = FloatVector.fromArray(SPECIES, inp, row + c).sub(mu).mul(s);
                    FloatVector g = FloatVector.fromArray(SPECIES, params, weightOffset + c)
                            .mul(FloatVector.fromArray(SPECIES, dout, row + c));
                    FloatVector d = xHat.fma(minusMeanGxHat, g.sub(meanG)).mul(s);
                    FloatVector.fromArray(SPECIES, dinp, row + c).add(d).intoArray(dinp, row + c);
                }
                for (int c = full; c < C; c++) {
                    float xHat = (inp[row + c] - mu) * s;
                    float g = params[weightOffset + c] * dout[row + c];
                    dinp[row + c] += Math.fma(xHat, -meanGxHat, g - meanG) * s;
                }
            }
        });
        // the weight and bias gradients: lanes over channels, n ascending
        parallel.forEach((C + L - 1) / L, j -> {
            int c = j * L;
            if (c + L <= C) {
                FloatVector weightGrad = FloatVector.zero(SPECIES);
                FloatVector biasGrad = FloatVector.zero(SPECIES);
                for (int n = 0; n < N; n++) {
                    FloatVector d = FloatVector.fromArray(SPECIES, dout, n * C + c);
                    FloatVector xHat = FloatVector.fromArray(SPECIES, inp, n * C + c).sub(mean[n]).mul(rstd[n]);
                    weightGrad = xHat.fma(d, weightGrad);
                    biasGrad = biasGrad.add(d);
                }
                FloatVector.fromArray(SPECIES, grads, weightOffset + c).add(weightGrad)
                        .intoArray(grads, weightOffset + c);
                FloatVector.fromArray(SPECIES, grads, biasOffset + c).add(biasGrad)
                        .intoArray(grads, biasOffset + c);
                return;
            }
            for (; c < C; c++) { // the last channels, one lane's operations each
                float weightGrad = 0f;
                float biasGrad = 0f;
                for (int n = 0; n < N; n++) {
                    float d = dout[n * C + c];
                    weightGrad = Math.fma((inp[n * C + c] - mean[n]) * rstd[n], d, weightGrad);
                    biasGrad += d;
                }
                grads[weightOffset + c] += weightGrad;
                grads[biasOffset + c] += biasGrad;
            }
        });
    }

    private static final int ROWS_PER_TASK = 16;

    private static int blocks(int N) {
        return (N + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
    }
}
