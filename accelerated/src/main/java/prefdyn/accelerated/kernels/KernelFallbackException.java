package prefdyn.accelerated.kernels;

/**
 * A twin kernel did not run on an OpenCL device: there is none, or Aparapi could not translate, compile or launch
 * the program on it. The message names the kernel, the device and the cause.
 */
public final class KernelFallbackException extends RuntimeException {

    public KernelFallbackException(String message, Throwable cause) {
        super(message, cause);
    }
}
