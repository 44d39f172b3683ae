package prefdyn.accelerated.kernels;

import com.aparapi.device.Device;
import com.aparapi.device.JavaDevice;
import com.aparapi.device.OpenCLDevice;
import com.aparapi.internal.kernel.KernelManager;

/** Which OpenCL device Aparapi would use, if any, described in words. */
public final class OpenClDevices {

    /** The one command that gives a Debian/Ubuntu machine an OpenCL CPU device (PoCL). */
    public static final String INSTALL_COMMAND =
            "sudo apt-get install pocl-opencl-icd ocl-icd-libopencl1 ocl-icd-opencl-dev";

    private OpenClDevices() {
    }

    /** Aparapi's best device: an {@link OpenCLDevice} (GPU first), or a Java device when OpenCL is missing. */
    public static Device best() {
        try {
            return KernelManager.instance().bestDevice();
        } catch (RuntimeException | LinkageError e) {
            return JavaDevice.THREAD_POOL;
        }
    }

    /** True when Aparapi finds an OpenCL device (an OpenCL loader, an ICD and a device behind it). */
    public static boolean available() {
        return best() instanceof OpenCLDevice;
    }

    /** True when Aparapi's best device is an OpenCL GPU (not PoCL's CPU device, not Java). */
    public static boolean bestIsGpu() {
        return best() instanceof OpenCLDevice openCl && openCl.getType() == Device.TYPE.GPU;
    }

    /** E.g. {@code OpenCL CPU "pthread-haswell-AMD EPYC" (Portable Computing Language)}, or {@code Java thread pool}. */
    public static String describe(Device device) {
        if (device instanceof OpenCLDevice openCl) {
            String platform = openCl.getOpenCLPlatform() == null ? "?" : openCl.getOpenCLPlatform().getName();
            return "OpenCL " + openCl.getType() + " \"" + openCl.getName() + "\" (" + platform + ")";
        }
        if (device == JavaDevice.THREAD_POOL) {
            return "Java thread pool";
        }
        return device == null ? "no device" : device.getShortDescription();
    }
}
