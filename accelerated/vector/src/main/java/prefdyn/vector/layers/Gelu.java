package prefdyn.vector.layers;

import jdk.incubator.vector.FloatVector;
import prefdyn.reference.util.Parallel;

import static prefdyn.vector.layers.MatrixProduct.SPECIES;

/**
 * GELU in GPT-2's tanh form (Hendrycks &amp; Gimpel 2016; HF {@code gelu_new}), in float32, as
 * {@code prefdyn.reference.layers.Gelu}: gelu(x) = ½·x·(1 + tanh u), u = √(2/π)(x + 0.044715x³). Computed
 * through the identity ½(1 + tanh u) = σ(2u) = 1/(1 + e^(−2u)), which needs one {@link VectorMath#exp} per
 * element and keeps its relative accuracy for small |u|, where 1 + tanh u would not cancel but 1 − tanh² u does.
 */
public final class Gelu {

    private static final int L = SPECIES.length();
    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2.0 / Math.PI);
    private static final float CUBIC = 0.044715f;
    private static final float MINUS_TWO_SQRT_2_OVER_PI = -2f * SQRT_2_OVER_PI;
    private static final int CHUNK = 4096;

    private Gelu() {
    }

    /**
     * s[j] = σ(2u) = 1/(1 + e^(−2u)) of inp[from + j], u = √(2/π)(x + 0.044715x³), for j in [0, n).
     *
     * @param s [≥ n] written
     */
    private static void sigmoidOfTwiceInner(float[] s, float[] inp, int from, int n) {
        int full = n - n % L;
        for (int j = 0; j < full; j += L) {
            FloatVector x = FloatVector.fromArray(SPECIES, inp, from + j);
            x.mul(x).mul(CUBIC).fma(x, x).mul(MINUS_TWO_SQRT_2_OVER_PI).intoArray(s, j);
        }
        for (int j = full; j < n; j++) {
            float x = inp[from + j];
            s[j] = Math.fma(x * x * CUBIC, x, x) * MINUS_TWO_SQRT_2_OVER_PI;
        }
        VectorMath.exp(s, 0, n, 0f);
        FloatVector one = FloatVector.broadcast(SPECIES, 1f);
        for (int j = 0; j < full; j += L) {
            one.div(FloatVector.fromArray(SPECIES, s, j).add(1f)).intoArray(s, j);
        }
        for (int j = full; j < n; j++) {
            s[j] = 1f / (s[j] + 1f);
        }
    }

    /**
     * out[n] = gelu(inp[n]) = inp[n] · σ(2u).
     *
     * @param out [N] written
     * @param inp [N]
     */
    public static void geluForward(Parallel parallel, float[] out, float[] inp, int N) {
        parallel.forEach((N + CHUNK - 1) / CHUNK, chunk -> {
            int start = chunk * CHUNK;
            int end = Math.min(N, start + CHUNK);
            float[] s = new float[end - start];
            sigmoidOfTwiceInner(s, inp, start, end - start);
            int n = start;
            for (; n + L <= end; n += L) {
                FloatVector.fromArray(SPECIES, inp, n).mul(FloatVector.fromArray(SPECIES, s, n - start))
                        .intoArray(out, n);
            }
            for (; n < end; n++) {
                out[n] = inp[n] * s[n - start];
            }
        });
    }

    /**
     * dinp[n] += gelu'(inp[n]) · dout[n]. With s = σ(2u) (so ½(1 + tanh u) = s and ½(1 − tanh² u) = 2s(1 − s)):
     * {@code gelu'(x) = s + x · 2s(1 − s) · √(2/π)(1 + 3·0.044715·x²)}.
     *
     * @param dinp [N] accumulated into
     * @param inp  [N] the forward input
     * @param dout [N]
     */
    public static void geluBackward(Parallel parallel, float[] dinp, float[] inp, float[] dout, int N) {
        parallel.forEach((N + CHUNK - 1) / CHUNK, chunk -> {
            int start = chunk * CHUNK;
            int end = Math.min(N, start + CHUNK);
            float[] sigmoid = new float[end - start];
            sigmoidOfTwiceInner(sigmoid, inp, start, end - start);
            int n = start;
            for (; n + L <= end; n += L) {
                FloatVector x = FloatVector.fromArray(SPECIES, inp, n);
                FloatVector s = FloatVector.fromArray(SPECIES, sigmoid, n - start);
                FloatVector slope = x.mul(x).mul(3f * CUBIC).add(1f).mul(SQRT_2_OVER_PI);
                FloatVector derivative = s.neg().add(1f).mul(s).mul(2f).mul(x).fma(slope, s);
                FloatVector.fromArray(SPECIES, dout, n).fma(derivative, FloatVector.fromArray(SPECIES, dinp, n))
                        .intoArray(dinp, n);
            }
            for (; n < end; n++) { // one lane's operations
                float x = inp[n];
                float s = sigmoid[n - start];
                float slope = (x * x * (3f * CUBIC) + 1f) * SQRT_2_OVER_PI;
                float derivative = Math.fma((1f - s) * s * 2f * x, slope, s);
                dinp[n] = Math.fma(dout[n], derivative, dinp[n]);
            }
        });
    }
}
