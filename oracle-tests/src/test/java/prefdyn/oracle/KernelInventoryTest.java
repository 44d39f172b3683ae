package prefdyn.oracle;

import net.jqwik.api.Example;

import java.lang.reflect.Method;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The three sides of every kernel exist and carry the same names: the reference method, its twin on host arrays
 * ({@code Twins}), and the OpenCL work-item body. Needs no OpenCL device (reflection only), so it runs everywhere.
 */
class KernelInventoryTest {

    /**
     * 26 layer methods (9 forward/backward pairs, predictionStatistics, the three fused methods of
     * {@code FusedLinear}, {@code lastPositionForward}, and the KV-cached sampling step's
     * {@code encoderForwardAtPositions}, {@code attendOneQuery} and {@code storeKeysValues}) + AdamW.step,
     * globalNorm, clipGlobalNorm, dot.
     */
    static final int EXPECTED_PAIRS = 30;

    @Example
    void everyReferenceKernelHasATwinAndAnOpenClBodyOfTheSameName() {
        Map<String, Method> reference = KernelDiscovery.referenceMethods();
        Map<String, Method> twins = KernelDiscovery.twinMethods();

        assertThat(twins.keySet()).as("Twins methods (left) vs reference kernel methods (right)")
                .containsExactlyElementsOf(reference.keySet());
        assertThat(KernelDiscovery.deviceBodyNames()).as("OpenCL work-item bodies vs twins")
                .containsExactlyElementsOf(twins.keySet());
        assertThat(KernelCases.NAMES).as("kernels with a differential test case")
                .containsExactlyInAnyOrderElementsOf(reference.keySet());
        assertThat(reference).as("pairs").hasSize(EXPECTED_PAIRS);
    }
}
