package prefdyn.accelerated.kernels;

/** Twin of {@code prefdyn.reference.layers.LastPosition}: the rows a sampler needs. */
abstract class LastPositionKernels extends FusedLinearKernels {

    /**
     * Mirrors {@code LastPosition.lastPositionForward}: out[b,c] = inp[b, lengths[b] − 1, c]. One work item per
     * (b,c): B·C items.
     *
     * @param out     [B,C] written
     * @param inp     [B,T,C]
     * @param lengths [B]
     */
    protected void lastPositionForward(int item, float[] out, int outOffset, float[] inp, int inpOffset,
                                       int[] lengths, int lengthsOffset, int T, int C) {
        int b = item / C;
        int c = item % C;
        out[outOffset + item] = inp[inpOffset + (b * T + lengths[lengthsOffset + b] - 1) * C + c];
    }
}
