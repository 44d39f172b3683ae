package prefdyn.vector.layers;

/** The residual connection {@code out = inp1 + inp2}, in float32, as {@code prefdyn.reference.layers.Residual}. */
public final class Residual {

    private Residual() {
    }

    /**
     * out[n] = inp1[n] + inp2[n].
     *
     * @param out  [N] written
     * @param inp1 [N]
     * @param inp2 [N]
     */
    public static void residualForward(float[] out, float[] inp1, float[] inp2, int N) {
        for (int n = 0; n < N; n++) {
            out[n] = inp1[n] + inp2[n];
        }
    }

    /**
     * dinp1[n] += dout[n]; dinp2[n] += dout[n].
     *
     * @param dinp1 [N] accumulated into
     * @param dinp2 [N] accumulated into
     * @param dout  [N]
     */
    public static void residualBackward(float[] dinp1, float[] dinp2, float[] dout, int N) {
        for (int n = 0; n < N; n++) {
            dinp1[n] += dout[n];
            dinp2[n] += dout[n];
        }
    }
}
