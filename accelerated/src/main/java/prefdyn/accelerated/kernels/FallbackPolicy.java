package prefdyn.accelerated.kernels;

/**
 * What the twin does when a kernel cannot run on OpenCL (Aparapi could not translate or compile it, or there is no
 * OpenCL device).
 */
public enum FallbackPolicy {
    /**
     * Run on Aparapi's Java thread pool instead, and say so in the kernel report
     * ({@code kernelsRunOnOpenCl()} turns false). Allowed only before anything has run on the device: once data
     * lives there, a failure throws {@link KernelFallbackException} whatever the policy.
     */
    ALLOW_JAVA_FALLBACK,
    /** Throw {@link KernelFallbackException} at the first kernel that does not run on an OpenCL device. */
    FAIL_FAST
}
