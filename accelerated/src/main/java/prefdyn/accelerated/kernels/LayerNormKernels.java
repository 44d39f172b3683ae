package prefdyn.accelerated.kernels;

/**
 * Twin of {@code prefdyn.reference.layers.LayerNorm}:
 * {@code y = (x − μ) / sqrt(σ² + ε) · w + b} over the channels of each row.
 */
abstract class LayerNormKernels extends EncoderKernels {

    /**
     * Mirrors {@code LayerNorm.layerNormForward}: out[n,c] = (inp[n,c] − mean[n]) · rstd[n] · weight[c] + bias[c],
     * rstd = 1/sqrt(var + eps). One work item per row n (N items), summing c in ascending order.
     *
     * @param out    [N,C] written
     * @param mean   [N] written
     * @param rstd   [N] written
     * @param inp    [N,C]
     * @param params [P]; weight [C] at {@code weightOffset}, bias [C] at {@code biasOffset}
     */
    protected void layerNormForward(int item, float[] out, int outOffset, float[] mean, int meanOffset,
                                    float[] rstd, int rstdOffset, float[] inp, int inpOffset, float[] params,
                                    int weightOffset, int biasOffset, int C, float epsilon) {
        int row = item * C;
        float sum = 0f;
        for (int c = 0; c < C; c++) {
            sum += inp[inpOffset + row + c];
        }
        float mu = sum / C;
        float squares = 0f;
        for (int c = 0; c < C; c++) {
            float centered = inp[inpOffset + row + c] - mu;
            squares += centered * centered;
        }
        float s = 1f / sqrt(squares / C + epsilon);
        for (int c = 0; c < C; c++) {
            float normalized = (inp[inpOffset + row + c] - mu) * s;
            out[outOffset + row + c] = normalized * params[weightOffset + c] + params[biasOffset + c];
        }
        mean[meanOffset + item] = mu;
        rstd[rstdOffset + item] = s;
    }

    /**
     * Mirrors {@code LayerNorm.layerNormBackward}. With x̂ = (x − μ)·rstd and g = w ⊙ dout:
     * <pre>
     *   ∂L/∂x[c] += rstd · ( g[c] − mean_c'(g) − x̂[c] · mean_c'(g ⊙ x̂) )      items [0, N): one per row n
     *   ∂L/∂w[c] += Σ_n x̂[n,c] · dout[n,c],  ∂L/∂b[c] += Σ_n dout[n,c]       items [N, N + C): one per column c
     * </pre>
     *
     * @param dinp  [N,C] accumulated into
     * @param grads [P] accumulated into at the weight and bias offsets
     * @param dout  [N,C]
     * @param inp   [N,C] the forward input; {@code mean} [N] and {@code rstd} [N] from the forward
     */
    protected void layerNormBackward(int item, float[] dinp, int dinpOffset, float[] grads, float[] dout,
                                     int doutOffset, float[] inp, int inpOffset, float[] params, int weightOffset,
                                     int biasOffset, float[] mean, int meanOffset, float[] rstd, int rstdOffset,
                                     int N, int C) {
        if (item < N) {
            int row = item * C;
            float mu = mean[meanOffset + item];
            float s = rstd[rstdOffset + item];
            float meanG = 0f;
            float meanGxHat = 0f;
            for (int c = 0; c < C; c++) {
                float xHat = (inp[inpOffset + row + c] - mu) * s;
                float g = params[weightOffset + c] * dout[doutOffset + row + c];
                meanG += g;
                meanGxHat += g * xHat;
            }
            meanG /= C;
            meanGxHat /= C;
            for (int c = 0; c < C; c++) {
                float xHat = (inp[inpOffset + row + c] - mu) * s;
                float g = params[weightOffset + c] * dout[doutOffset + row + c];
                dinp[dinpOffset + row + c] += s * (g - meanG - xHat * meanGxHat);
            }
        } else {
            int c = item - N;
            float weightGrad = 0f;
            float biasGrad = 0f;
            for (int n = 0; n < N; n++) {
                float xHat = (inp[inpOffset + n * C + c] - mean[meanOffset + n]) * rstd[rstdOffset + n];
                weightGrad += xHat * dout[doutOffset + n * C + c];
                biasGrad += dout[doutOffset + n * C + c];
            }
            grads[weightOffset + c] += weightGrad;
            grads[biasOffset + c] += biasGrad;
        }
    }
}
