package prefdyn.accelerated.kernels;

/** Twin of {@code prefdyn.reference.layers.Residual}: {@code out = inp1 + inp2}. */
abstract class ResidualKernels extends GeluKernels {

    /**
     * Mirrors {@code Residual.residualForward}: out[n] = inp1[n] + inp2[n]. N items.
     *
     * @param out  [N] written
     * @param inp1 [N]
     * @param inp2 [N]
     */
    protected void residualForward(int item, float[] out, int outOffset, float[] inp1, int inp1Offset, float[] inp2,
                                   int inp2Offset) {
        out[outOffset + item] = inp1[inp1Offset + item] + inp2[inp2Offset + item];
    }

    /**
     * Mirrors {@code Residual.residualBackward}: dinp1[n] += dout[n]; dinp2[n] += dout[n]. N items.
     *
     * @param dinp1 [N] accumulated into
     * @param dinp2 [N] accumulated into
     * @param dout  [N]
     */
    protected void residualBackward(int item, float[] dinp1, int dinp1Offset, float[] dinp2, int dinp2Offset,
                                    float[] dout, int doutOffset) {
        float d = dout[doutOffset + item];
        dinp1[dinp1Offset + item] += d;
        dinp2[dinp2Offset + item] += d;
    }
}
