package prefdyn.vector.layers;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
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
    private static final int CHUNK = 4096;

    private Gelu() {
    }

    /** σ(2u) per lane, with u = √(2/π)(x + 0.044715x³). */
    private static FloatVector sigmoidOfTwiceInner(FloatVector x) {
        FloatVector inner = x.mul(x).mul(CUBIC).fma(x, x).mul(SQRT_2_OVER_PI);
        return FloatVector.broadcast(SPECIES, 1f).div(VectorMath.exp(inner.mul(-2f)).add(1f));
    }

    /**
     * out[n] = gelu(inp[n]) = inp[n] · σ(2u).
     *
     * @param out [N] written
     * @param inp [N]
     */
    public static void geluForward(Parallel parallel, float[] out, float[] inp, int N) {
        parallel.forEach((N + CHUNK - 1) / CHUNK, chunk -> {
            int end = Math.min(N, (chunk + 1) * CHUNK);
            for (int n = chunk * CHUNK; n < end; n += L) {
                VectorMask<Float> mask = SPECIES.indexInRange(n, end);
                FloatVector x = FloatVector.fromArray(SPECIES, inp, n, mask);
                x.mul(sigmoidOfTwiceInner(x)).intoArray(out, n, mask);
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
            int end = Math.min(N, (chunk + 1) * CHUNK);
            for (int n = chunk * CHUNK; n < end; n += L) {
                VectorMask<Float> mask = SPECIES.indexInRange(n, end);
                FloatVector x = FloatVector.fromArray(SPECIES, inp, n, mask);
                FloatVector s = sigmoidOfTwiceInner(x);
                FloatVector slope = x.mul(x).mul(3f * CUBIC).add(1f).mul(SQRT_2_OVER_PI);
                FloatVector derivative = s.neg().add(1f).mul(s).mul(2f).mul(x).fma(slope, s);
                FloatVector.fromArray(SPECIES, dout, n, mask)
                        .fma(derivative, FloatVector.fromArray(SPECIES, dinp, n, mask))
                        .intoArray(dinp, n, mask);
            }
        });
    }
}
