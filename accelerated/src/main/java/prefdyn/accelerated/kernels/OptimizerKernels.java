package prefdyn.accelerated.kernels;

/**
 * Twins of {@code prefdyn.reference.optim.AdamW.step}, {@code GradientClipping.globalNorm} /
 * {@code clipGlobalNorm}, and the dot product {@code GradientAlignment.dot} that G is made of.
 *
 * <p>The reductions (‖g‖², a·b) are deterministic two-stage sums: work item k adds the elements of chunk k,
 * [k·chunk, (k+1)·chunk), in ascending order, and the host adds the partial sums in ascending k. The chunk size
 * is fixed by the caller, not by the device, so the result is the same on every run.
 */
abstract class OptimizerKernels extends TokenLogProbKernels {

    /**
     * Mirrors {@code AdamW.step} for element i, in PyTorch's order of operations:
     * <pre>
     *   θ ← θ · (1 − lr·λ)                                   (decayed elements only)
     *   m ← β₁·m + (1 − β₁)·g,   v ← β₂·v + (1 − β₂)·g²
     *   θ ← θ − (lr / (1 − β₁ᵗ)) · m / ( √v / √(1 − β₂ᵗ) + ε )
     * </pre>
     * One work item per parameter: P items. The step-dependent scalars come from the host.
     *
     * @param params  [P] updated
     * @param grads   [P]
     * @param m       [P] updated
     * @param v       [P] updated
     * @param decayed [P] 1 where weight decay applies
     */
    protected void step(int item, float[] params, float[] grads, float[] m, float[] v, int[] decayed,
                        float decay, float b1, float oneMinusB1, float b2, float oneMinusB2, float size,
                        float correction2Sqrt, float eps) {
        float g = grads[item];
        float theta = params[item];
        if (decayed[item] != 0) {
            theta *= decay;
        }
        float first = b1 * m[item] + oneMinusB1 * g;
        float second = b2 * v[item] + oneMinusB2 * g * g;
        m[item] = first;
        v[item] = second;
        float denominator = sqrt(second) / correction2Sqrt + eps;
        params[item] = theta - size * first / denominator;
    }

    /**
     * The reduction inside {@code GradientClipping.globalNorm}: partials[k] = Σ_{i in chunk k} g[i]², i ascending.
     * One work item per chunk: ⌈n / chunk⌉ items.
     *
     * @param partials [⌈n/chunk⌉] written
     * @param g        [n]
     */
    protected void globalNorm(int item, float[] partials, int partialsOffset, float[] g, int n, int chunkSize) {
        int start = item * chunkSize;
        int end = min(n, start + chunkSize);
        float sum = 0f;
        for (int i = start; i < end; i++) {
            sum += g[i] * g[i];
        }
        partials[partialsOffset + item] = sum;
    }

    /**
     * The update of {@code GradientClipping.clipGlobalNorm}: g[i] ← g[i] · coefficient, with
     * coefficient = maxNorm / (‖g‖ + 1e-6) &lt; 1 computed on the host. P items.
     *
     * @param g [P] scaled in place
     */
    protected void clipGlobalNorm(int item, float[] g, float scaleBy) {
        g[item] = g[item] * scaleBy;
    }

    /**
     * The reduction of {@code GradientAlignment.dot}: partials[k] = Σ_{i in chunk k} a[i]·b[i] for i in
     * [start, end), ascending. One work item per chunk.
     *
     * @param partials [⌈(end−start)/chunk⌉] written
     * @param a        [≥ end]
     * @param b        [≥ end]
     */
    protected void dot(int item, float[] partials, int partialsOffset, float[] a, float[] b, int start, int end,
                       int chunkSize) {
        int from = start + item * chunkSize;
        int to = min(end, from + chunkSize);
        float sum = 0f;
        for (int i = from; i < to; i++) {
            sum += a[i] * b[i];
        }
        partials[partialsOffset + item] = sum;
    }
}
