package prefdyn.accelerated.kernels;

/**
 * How one twin kernel has run so far.
 *
 * @param name           the work-item body, named like the reference method it mirrors (plus {@code fill} and
 *                       {@code copy}, which move data and mirror nothing)
 * @param launches       how many times it ran
 * @param openClLaunches how many of those ran on an OpenCL device (checked after each launch: the launch range's
 *                       device is an {@code OpenCLDevice}, and so are {@code isRunningCL()} and
 *                       {@code getTargetDevice()} of the program)
 * @param device         the device of the last launch, e.g. {@code OpenCL GPU "NVIDIA H100"} or
 *                       {@code Java thread pool}
 * @param seconds        wall-clock time of all its launches (a launch returns when the device has finished)
 */
public record KernelExecution(String name, long launches, long openClLaunches, String device, double seconds) {

    /** True when every launch ran on OpenCL. */
    public boolean ranOnOpenCl() {
        return launches > 0 && openClLaunches == launches;
    }

    @Override
    public String toString() {
        return name + ": " + launches + " launch(es), " + (ranOnOpenCl() ? "all on " : openClLaunches + " on OpenCL, last on ")
                + device + String.format(", %.1f ms", seconds * 1e3);
    }
}
