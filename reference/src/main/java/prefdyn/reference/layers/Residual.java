package prefdyn.reference.layers;

/** The residual connection {@code out = inp1 + inp2} of every pre-LN block. */
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
    public static void residualForward(double[] out, double[] inp1, double[] inp2, int N) {
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
    public static void residualBackward(double[] dinp1, double[] dinp2, double[] dout, int N) {
        for (int n = 0; n < N; n++) {
            dinp1[n] += dout[n];
            dinp2[n] += dout[n];
        }
    }
}
