package prefdyn.reference.layers;

import prefdyn.reference.util.Parallel;

/**
 * GELU in GPT-2's tanh form (Hendrycks &amp; Gimpel 2016; HF {@code gelu_new}):
 * {@code gelu(x) = ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))}.
 */
public final class Gelu {

    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);
    private static final double CUBIC = 0.044715;

    private Gelu() {
    }

    /**
     * out[n] = gelu(inp[n]).
     *
     * @param out [N] written
     * @param inp [N]
     */
    public static void geluForward(Parallel parallel, double[] out, double[] inp, int N) {
        parallel.forEach(N, n -> {
            double x = inp[n];
            double inner = SQRT_2_OVER_PI * (x + CUBIC * x * x * x);
            out[n] = 0.5 * x * (1.0 + Math.tanh(inner));
        });
    }

    /**
     * dinp[n] += gelu'(inp[n]) · dout[n], with u = √(2/π)(x + 0.044715x³):
     * {@code gelu'(x) = ½(1 + tanh u) + ½·x·(1 − tanh² u)·√(2/π)·(1 + 3·0.044715·x²)}.
     *
     * @param dinp [N] accumulated into
     * @param inp  [N] the forward input
     * @param dout [N]
     */
    public static void geluBackward(Parallel parallel, double[] dinp, double[] inp, double[] dout, int N) {
        parallel.forEach(N, n -> {
            double x = inp[n];
            double inner = SQRT_2_OVER_PI * (x + CUBIC * x * x * x);
            double tanh = Math.tanh(inner);
            double derivative = 0.5 * (1.0 + tanh)
                    + 0.5 * x * (1.0 - tanh * tanh) * SQRT_2_OVER_PI * (1.0 + 3.0 * CUBIC * x * x);
            dinp[n] += derivative * dout[n];
        });
    }
}
