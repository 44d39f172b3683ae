package prefdyn.accelerated.kernels;

/**
 * Twin of {@code prefdyn.reference.layers.Gelu}, GPT-2's tanh form:
 * {@code gelu(x) = ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))}.
 */
abstract class GeluKernels extends AttentionKernels {

    /** √(2/π) rounded to float. */
    private static final float SQRT_2_OVER_PI = 0.7978845608f;
    private static final float CUBIC = 0.044715f;

    /**
     * Mirrors {@code Gelu.geluForward}: out[n] = gelu(inp[n]). One work item per element: N items.
     *
     * @param out [N] written
     * @param inp [N]
     */
    protected void geluForward(int item, float[] out, int outOffset, float[] inp, int inpOffset) {
        float x = inp[inpOffset + item];
        float inner = SQRT_2_OVER_PI * (x + CUBIC * x * x * x);
        out[outOffset + item] = 0.5f * x * (1f + tanh(inner));
    }

    /**
     * Mirrors {@code Gelu.geluBackward}: dinp[n] += gelu'(inp[n]) · dout[n], with u = √(2/π)(x + 0.044715x³),
     * {@code gelu'(x) = ½(1 + tanh u) + ½·x·(1 − tanh² u)·√(2/π)·(1 + 3·0.044715·x²)}. N items.
     *
     * @param dinp [N] accumulated into
     * @param inp  [N] the forward input
     * @param dout [N]
     */
    protected void geluBackward(int item, float[] dinp, int dinpOffset, float[] inp, int inpOffset, float[] dout,
                                int doutOffset) {
        float x = inp[inpOffset + item];
        float inner = SQRT_2_OVER_PI * (x + CUBIC * x * x * x);
        float tanhInner = tanh(inner);
        float derivative = 0.5f * (1f + tanhInner)
                + 0.5f * x * (1f - tanhInner * tanhInner) * SQRT_2_OVER_PI * (1f + 3f * CUBIC * x * x);
        dinp[dinpOffset + item] += derivative * dout[doutOffset + item];
    }
}
