package prefdyn.accelerated.kernels;

/** Plumbing with no reference counterpart: clearing a range and copying between buffers. */
abstract class MemoryKernels extends OptimizerKernels {

    /** target[offset + i] = 0 for i in [0, n). n items. */
    protected void fill(int item, float[] target, int targetOffset) {
        target[targetOffset + item] = 0f;
    }

    /** target[targetOffset + i] = source[sourceOffset + i] for i in [0, n). n items. */
    protected void copy(int item, float[] target, int targetOffset, float[] source, int sourceOffset) {
        target[targetOffset + item] = source[sourceOffset + item];
    }
}
