package prefdyn.bench;

import org.junit.jupiter.api.Test;
import prefdyn.accelerated.kernels.KernelExecution;
import prefdyn.accelerated.kernels.KernelFallbackException;
import prefdyn.accelerated.kernels.OpenClDevices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The twin's benchmark state either runs every kernel on OpenCL or refuses to build with a message that says
 * what to install — never a silent fall-back to Java threads. Which of the two this test checks depends on the
 * machine; both are deterministic.
 */
class TwinBenchmarkStateTest {

    @Test
    void twinBenchmarksRunOnOpenClOrFailWithTheInstallHint() throws Exception {
        if (!OpenClDevices.available()) {
            assertThatThrownBy(() -> new TwinLayers(ModelSize.DEFAULT))
                    .isInstanceOf(KernelFallbackException.class)
                    .hasMessageContaining(OpenClDevices.INSTALL_COMMAND);
            return;
        }
        TwinLayerBenchmark twin = new TwinLayerBenchmark();
        twin.config = "default";
        twin.setUp();
        try {
            assertThat(BenchmarkStatesTest.callEveryBenchmark(twin)).isEqualTo(24);
            assertThat(twinExecutions(twin)).allMatch(KernelExecution::ranOnOpenCl);
        } finally {
            twin.tearDown();
        }
    }

    private static java.util.List<KernelExecution> twinExecutions(TwinLayerBenchmark twin) throws Exception {
        var field = TwinLayerBenchmark.class.getDeclaredField("s");
        field.setAccessible(true);
        return ((TwinLayers) field.get(twin)).device.executions();
    }
}
