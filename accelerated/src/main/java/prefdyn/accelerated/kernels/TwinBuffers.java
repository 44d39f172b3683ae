package prefdyn.accelerated.kernels;

import com.aparapi.Kernel;

/**
 * The device memory of the twin and the arguments of one launch: the fields of the single OpenCL program.
 *
 * <p>The program runs in Aparapi's explicit mode: a buffer moves between host and device only when
 * {@link TwinDevice} calls {@code put} or {@code get}, which it does only at the engine boundary (setting or copying
 * parameters and gradients, token ids in, per-token outputs and partial sums out). Fields are package-private, not
 * private: Aparapi reads kernel fields declared in superclasses only when they are not private.
 *
 * <p>Arrays reach the work-item bodies only as method arguments, never by direct indexing in {@code run()}, so
 * Aparapi creates every buffer read-write.
 */
abstract class TwinBuffers extends Kernel {

    // ---- device-resident buffers -------------------------------------------------------------------------
    /** [P] θ, in {@code ParameterLayout} order. */
    float[] params = new float[1];
    /** [P] ∂L/∂θ, same layout; backward accumulates into it. */
    float[] grads = new float[1];
    /** [P] AdamW's first moment m. */
    float[] firstMoment = new float[1];
    /** [P] AdamW's second moment v. */
    float[] secondMoment = new float[1];
    /** [P] 1 where AdamW applies weight decay (tensors with two or more dimensions), else 0. */
    int[] decayed = new int[1];
    /** [P] a second parameter-shaped vector, e.g. the target gradient g′ of G, dotted with {@link #grads}. */
    float[] vector = new float[1];
    /** Activation arena: every forward activation at the offsets of an {@code ActivationLayout}. */
    float[] acts = new float[1];
    /** Gradient arena: backward seeds and every ∂L/∂activation at the offsets of a {@code GradientLayout}. */
    float[] dacts = new float[1];
    /**
     * KV cache of the live sampling session: each block's keys and values [S,maxT,C] at the offsets of a
     * {@code TwinKvCache}. A buffer of its own, so no forward or sampling pass, which write only {@link #acts}, can
     * overwrite it between the session's steps.
     */
    float[] kvCache = new float[1];
    /** Integer inputs: token ids [B,T] and real lengths [B] of the training batch, then of the sampling batch. */
    int[] ints = new int[1];
    /** Host exchange area: seeds going in, per-token outputs and partial sums coming out. */
    float[] io = new float[1];

    // ---- launch arguments ----------------------------------------------------------------------------------
    /** Which body {@code run()} calls: one of {@link TwinProgram}'s operation codes. */
    int op;
    /** Number of work items that do work; the launch is rounded up to whole work groups. */
    int items;
    /** Which pass of a two-pass body (attention backward). */
    int pass;
    /** Offsets of the operation's array arguments inside their buffers, in the order of its signature. */
    int o0, o1, o2, o3, o4, o5, o6;
    /** Offsets of tensors inside {@link #params} and {@link #grads} (−1: absent, e.g. no bias). */
    int p0, p1;
    /** Shapes. */
    int B, T, C, H, N, I, O, V;
    /** Distance between consecutive positions of a key or value tensor (attendOneQuery). */
    int stride;
    /** Elements per partial sum of the reductions. */
    int chunk;
    /** LayerNorm's ε. */
    float eps;
    /** A scale factor (gradient clipping). */
    float coefficient;
    /** AdamW's scalars for one step, computed on the host in float64 and rounded once. */
    float beta1, oneMinusBeta1, beta2, oneMinusBeta2, epsilon, stepSize, decayFactor, biasCorrection2Sqrt;

    /**
     * The reference's {@code Dot.dot} in float: Σ_k a[aStart+k]·b[bStart+k] with four partial sums (k mod 4)
     * added as (s0 + s1) + (s2 + s3), the same fixed order.
     *
     * @param a [≥ aStart + n]
     * @param b [≥ bStart + n]
     */
    protected float dotProduct(float[] a, int aStart, float[] b, int bStart, int n) {
        float sum0 = 0f;
        float sum1 = 0f;
        float sum2 = 0f;
        float sum3 = 0f;
        int k = 0;
        for (; k + 3 < n; k += 4) {
            sum0 += a[aStart + k] * b[bStart + k];
            sum1 += a[aStart + k + 1] * b[bStart + k + 1];
            sum2 += a[aStart + k + 2] * b[bStart + k + 2];
            sum3 += a[aStart + k + 3] * b[bStart + k + 3];
        }
        for (; k < n; k++) {
            sum0 += a[aStart + k] * b[bStart + k];
        }
        return (sum0 + sum1) + (sum2 + sum3);
    }
}
