package prefdyn.oracle;

import prefdyn.accelerated.kernels.OpenClDevices;

/**
 * Whether the differential tests can run here. Without an OpenCL device they are skipped on a developer's machine
 * and must fail in CI (environment variable {@code CI=true}), where PoCL is installed by {@code .ci/run}.
 */
final class OpenClGate {

    /** The one line printed when the differential tests were skipped. */
    static final String SKIPPED_LINE = "prefdyn oracle-tests: the differential tests (reference vs OpenCL twin) did NOT "
            + "run: no OpenCL device was found. Install PoCL (an OpenCL CPU device) with: "
            + OpenClDevices.INSTALL_COMMAND;

    private static Boolean available;

    private OpenClGate() {
    }

    static synchronized boolean openClAvailable() {
        if (available == null) {
            available = OpenClDevices.available();
        }
        return available;
    }

    /** True when CI says so: then missing OpenCL must fail the build rather than skip. */
    static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Skip when OpenCL is missing outside CI; in CI the tests run, and fail for want of a device. */
    static boolean shouldSkip() {
        return !openClAvailable() && !inCi();
    }
}
