package prefdyn.oracle;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import prefdyn.accelerated.kernels.KernelExecution;
import prefdyn.accelerated.kernels.TwinKernel;
import prefdyn.accelerated.kernels.Twins;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Twin kernels on inputs whose answers are worked out by hand, beside the random differential cases of
 * {@link KernelPairHarnessTest}: every row of the table of {@code TwinProgram} runs its known answer
 * ({@link KernelCases#knownAnswer}), which must launch that kernel. Beside them, the fused kernels are checked to
 * write exactly what the separate kernels they fuse write.
 */
@AddLifecycleHook(RequiresOpenCl.class)
class KernelKnownAnswerTest {

    @AfterContainer
    static void everyKernelRanOnOpenCl() {
        assertThat(Twins.kernelsRunOnOpenCl()).as("%s", Twins.executions()).isTrue();
    }

    /** Each kernel's hand-worked answer, which must launch the kernel it is the answer of. */
    @Property(generation = GenerationMode.EXHAUSTIVE)
    void everyKernelGivesItsKnownAnswer(@ForAll("kernels") String name) {
        long before = launches(name);
        KernelCases.knownAnswer(name).run();
        assertThat(launches(name)).as("launches of %s by its known answer", name).isGreaterThan(before);
    }

    @Provide
    Arbitrary<String> kernels() {
        return Arbitraries.of(TwinKernel.names());
    }

    private static long launches(String name) {
        return Twins.executions().stream().filter(execution -> execution.name().equals(name))
                .mapToLong(KernelExecution::launches).sum();
    }

    /**
     * A fused launch writes exactly what its two separate launches write, bit for bit: the work item computes the
     * linear output as {@code linearForward} does and applies the second step to that same float. This is why the
     * engine's backward, which reads both outputs, did not change when the forward was fused.
     */
    @Example
    void fusedForwardsAreBitIdenticalToTheirSeparateKernels() {
        Random random = new Random(17);
        int N = 5;
        int I = 6;
        int O = 7;
        float[] params = gaussian(random, I * O + O);
        float[] inp = gaussian(random, N * I);
        float[] residual = gaussian(random, N * O);
        float[] out = new float[N * O];
        float[] expectedGelu = new float[N * O];
        float[] expectedSum = new float[N * O];
        Twins.call("linearForward", out, inp, params, 0, I * O, N, I, O);
        Twins.call("geluForward", expectedGelu, out, N * O);
        Twins.call("residualForward", expectedSum, residual, out, N * O);

        float[] fusedOut = new float[N * O];
        float[] fusedGelu = new float[N * O];
        Twins.call("linearGeluForward", fusedOut, fusedGelu, inp, params, 0, I * O, N, I, O);
        assertThat(fusedOut).containsExactly(out);
        assertThat(fusedGelu).containsExactly(expectedGelu);
        float[] fusedSum = new float[N * O];
        Twins.call("linearResidualForward", fusedOut, fusedSum, inp, residual, params, 0, I * O, N, I, O);
        assertThat(fusedOut).containsExactly(out);
        assertThat(fusedSum).containsExactly(expectedSum);
    }

    /**
     * The fused backward gives what residualBackward (into a cleared dout) followed by linearBackward gives, bit for
     * bit, with every output pre-filled so that "+=" is checked.
     */
    @Example
    void linearResidualBackwardIsBitIdenticalToItsSeparateKernels() {
        Random random = new Random(23);
        int N = 4;
        int I = 5;
        int O = 3;
        float[] params = gaussian(random, I * O + O);
        float[] inp = gaussian(random, N * I);
        float[] dsum = gaussian(random, N * O);
        float[] dinp = gaussian(random, N * I);
        float[] dresidual = gaussian(random, N * O);
        float[] grads = gaussian(random, params.length);

        float[] expectedDinp = dinp.clone();
        float[] expectedDresidual = dresidual.clone();
        float[] expectedGrads = grads.clone();
        float[] dout = new float[N * O];
        Twins.call("residualBackward", expectedDresidual, dout, dsum, N * O);
        Twins.call("linearBackward", expectedDinp, expectedGrads, dout, inp, params, 0, I * O, N, I, O);

        Twins.call("linearResidualBackward", dinp, dresidual, grads, dsum, inp, params, 0, I * O, N, I, O);
        assertThat(dinp).containsExactly(expectedDinp);
        assertThat(dresidual).containsExactly(expectedDresidual);
        assertThat(grads).containsExactly(expectedGrads);
    }

    private static float[] gaussian(Random random, int n) {
        float[] values = new float[n];
        for (int k = 0; k < n; k++) {
            values[k] = (float) (2 * random.nextGaussian());
        }
        return values;
    }
}
