package prefdyn.reference.layers;

import prefdyn.reference.util.Parallel;

/**
 * Layer normalisation over the channel dimension (Ba et al. 2016), as in GPT-2:
 * {@code y = (x − μ) / sqrt(σ² + ε) · w + b} with μ, σ² the mean and (biased) variance of the row and ε = 1e-5.
 */
public final class LayerNorm {

    private LayerNorm() {
    }

    /**
     * out[n,c] = (inp[n,c] − mean[n]) · rstd[n] · weight[c] + bias[c], with rstd = 1/sqrt(var + eps).
     *
     * @param out    [N,C] written
     * @param mean   [N] written: the row means, kept for backward
     * @param rstd   [N] written: the reciprocal standard deviations, kept for backward
     * @param inp    [N,C]
     * @param params [P]; weight [C] at {@code weightOffset}, bias [C] at {@code biasOffset}
     */
    public static void layerNormForward(Parallel parallel, double[] out, double[] mean, double[] rstd, double[] inp,
                                        double[] params, int weightOffset, int biasOffset, int N, int C, double eps) {
        parallel.forEach(N, n -> {
            int row = n * C;
            double sum = 0;
            for (int c = 0; c < C; c++) {
                sum += inp[row + c];
            }
            double mu = sum / C;
            double squares = 0;
            for (int c = 0; c < C; c++) {
                double centered = inp[row + c] - mu;
                squares += centered * centered;
            }
            double s = 1.0 / Math.sqrt(squares / C + eps);
            for (int c = 0; c < C; c++) {
                double normalized = (inp[row + c] - mu) * s;
                out[row + c] = normalized * params[weightOffset + c] + params[biasOffset + c];
            }
            mean[n] = mu;
            rstd[n] = s;
        });
    }

    /**
     * Accumulates the gradients of {@link #layerNormForward}. With x̂ = (x − μ)·rstd and g = w ⊙ dout:
     * <pre>
     *   ∂L/∂x[c] += rstd · ( g[c] − mean_c'(g) − x̂[c] · mean_c'(g ⊙ x̂) )
     *   ∂L/∂w[c] += Σ_n x̂[n,c] · dout[n,c]        ∂L/∂b[c] += Σ_n dout[n,c]
     * </pre>
     *
     * @param dinp  [N,C] accumulated into
     * @param grads [P] accumulated into at the weight and bias offsets
     * @param dout  [N,C]
     * @param inp   [N,C] the forward input
     * @param mean  [N] and {@code rstd} [N] from the forward
     */
    public static void layerNormBackward(Parallel parallel, double[] dinp, double[] grads, double[] dout, double[] inp,
                                         double[] params, int weightOffset, int biasOffset, double[] mean,
                                         double[] rstd, int N, int C) {
        parallel.forEach(N, n -> {
            int row = n * C;
            double mu = mean[n];
            double s = rstd[n];
            double meanG = 0;
            double meanGxHat = 0;
            for (int c = 0; c < C; c++) {
                double xHat = (inp[row + c] - mu) * s;
                double g = params[weightOffset + c] * dout[row + c];
                meanG += g;
                meanGxHat += g * xHat;
            }
            meanG /= C;
            meanGxHat /= C;
            for (int c = 0; c < C; c++) {
                double xHat = (inp[row + c] - mu) * s;
                double g = params[weightOffset + c] * dout[row + c];
                dinp[row + c] += s * (g - meanG - xHat * meanGxHat);
            }
        });
        parallel.forEach(C, c -> {
            double weightGrad = 0;
            double biasGrad = 0;
            for (int n = 0; n < N; n++) {
                double xHat = (inp[n * C + c] - mean[n]) * rstd[n];
                weightGrad += xHat * dout[n * C + c];
                biasGrad += dout[n * C + c];
            }
            grads[weightOffset + c] += weightGrad;
            grads[biasOffset + c] += biasGrad;
        });
    }
}
