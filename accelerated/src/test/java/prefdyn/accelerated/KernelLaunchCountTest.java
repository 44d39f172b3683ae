package prefdyn.accelerated;

import org.junit.jupiter.api.Test;
import prefdyn.accelerated.kernels.FallbackPolicy;
import prefdyn.accelerated.kernels.OpenClDevices;
import prefdyn.reference.engine.BackwardSeeds;
import prefdyn.reference.engine.SamplingSession;
import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.GptInitializer;
import prefdyn.reference.model.ParameterLayout;
import prefdyn.reference.optim.AdamWSettings;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Known answers for {@link AcceleratedEngine#kernelLaunches()}, derived by reading {@code TwinGptModel}: one launch
 * per layer call. A forward is the encoder, 7 launches per block (ln_1, c_attn, attention, c_proj fused with its
 * residual, ln_2, c_fc fused with GELU, mlp.c_proj fused with its residual), ln_f, the LM head, log-softmax, the
 * token gather, the prediction statistics, one launch per value or reward head, and the copy of the outputs to the
 * exchange buffer: 7L + 7 (+ heads); it was 10L + 7 before the fusion. A sampling pass ({@code nextTokenLogProbs})
 * is the encoder, the blocks, ln_f, the last-position gather, the LM head and log-softmax on B rows, and the copy:
 * 7L + 6. A KV-cached session's step is 8L + 5 (see its test). A backward seeded on the token log-probs is the clearing of the gradient arena, the copy of the seeds,
 * the token gather, log-softmax and LM head backward, ln_f, 9 launches per block (mlp.c_proj fused with its
 * residual, gelu, c_fc, ln_2, attn.c_proj fused with its residual, attention's two passes, c_attn, ln_1) and the
 * encoder: 9L + 7; it was 11L + 7 before the fusion. Fusing kernels changes these answers on purpose; the benchmark
 * reports the same counter.
 *
 * <p>Runs on the OpenCL device when there is one (PoCL here, and always in CI), and then also checks that every
 * launch ran there; without one it counts on Aparapi's Java thread pool, where the count is the same because it
 * is a property of the host code.
 */
class KernelLaunchCountTest {

    private static AcceleratedEngine engine(GptConfig config) {
        ParameterLayout layout = new ParameterLayout(config);
        double[] params = new double[layout.size()];
        GptInitializer.initialize(layout, params, 5);
        boolean openCl = OpenClDevices.available();
        if (!openCl && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("no OpenCL device in CI; install PoCL: " + OpenClDevices.INSTALL_COMMAND);
        }
        return openCl ? new AcceleratedEngine(config, params, FallbackPolicy.FAIL_FAST)
                : AcceleratedEngine.onJavaThreads(config, params);
    }

    private static GptConfig config(int layers, boolean valueHead) {
        return new GptConfig(11, 8, layers, 2, 4, valueHead, false);
    }

    private static TokenBatch batch() {
        return new TokenBatch(new int[][] {{1, 2, 3, 4, 0}, {5, 6, 7, 0, 0}}, new int[] {4, 3},
                new boolean[][] {{false, true, true, true, false}, {false, true, true, false, false}});
    }

    private static BackwardSeeds tokenSeeds() {
        return BackwardSeeds.ofTokenLogProbs(new double[][] {{0, -1, -1, -1, 0}, {0, -1, -1, 0, 0}});
    }

    /** {launches of one forward, launches of one backward} of a fresh engine. */
    private static long[] forwardAndBackwardLaunches(GptConfig config) {
        try (AcceleratedEngine engine = engine(config)) {
            long start = engine.kernelLaunches();
            engine.forward(batch());
            long afterForward = engine.kernelLaunches();
            engine.backward(tokenSeeds());
            long afterBackward = engine.kernelLaunches();
            if (OpenClDevices.available()) {
                assertThat(engine.kernelsRunOnOpenCl()).as("%s", engine.kernelExecutions()).isTrue();
            }
            return new long[] {afterForward - start, afterBackward - afterForward};
        }
    }

    @Test
    void aForwardLaunchesSevenKernelsPerBlockPlusSevenAndABackwardNinePerBlockPlusSeven() {
        for (int layers = 1; layers <= 3; layers++) {
            long[] launches = forwardAndBackwardLaunches(config(layers, false));
            assertThat(launches[0]).as("forward launches, L = %d", layers).isEqualTo(7L * layers + 7);
            assertThat(launches[1]).as("backward launches, L = %d", layers).isEqualTo(9L * layers + 7);
        }
    }

    @Test
    void aSamplingPassLaunchesSevenKernelsPerBlockPlusSix() {
        for (int layers = 1; layers <= 3; layers++) {
            try (AcceleratedEngine engine = engine(config(layers, true))) {
                long start = engine.kernelLaunches();
                engine.nextTokenLogProbs(batch());
                assertThat(engine.kernelLaunches() - start).as("sampling launches, L = %d", layers)
                        .isEqualTo(7L * layers + 6);
            }
        }
    }

    /**
     * A KV-cached session ({@link AcceleratedEngine#startSampling}): its first call for the rows is the prompt pass,
     * the sampling pass plus one store of the keys and values per block, 8L + 6; every later step is the encoder
     * at the new positions, 8 launches per block (ln_1, c_attn, the store of the new key and value, attendOneQuery,
     * c_proj with its residual, ln_2, c_fc with GELU, mlp.c_proj with its residual), ln_f, the LM head, log-softmax
     * and the copy: 8L + 5, whatever the length of the prefix (the recomputing pass is 7L + 6 over all of it).
     */
    @Test
    void aCachedSamplingStepLaunchesEightKernelsPerBlockPlusFive() {
        for (int layers = 1; layers <= 3; layers++) {
            try (AcceleratedEngine engine = engine(config(layers, false))) {
                SamplingSession session = engine.startSampling(List.of(new int[] {1, 2, 3}, new int[] {4, 5}));
                long start = engine.kernelLaunches();
                session.nextTokenLogProbs(new int[] {0, 1});
                assertThat(engine.kernelLaunches() - start).as("prompt pass, L = %d", layers)
                        .isEqualTo(8L * layers + 6);
                for (int step = 0; step < 3; step++) {
                    session.append(0, 7);
                    session.append(1, 8);
                    long before = engine.kernelLaunches();
                    session.nextTokenLogProbs(new int[] {0, 1});
                    assertThat(engine.kernelLaunches() - before).as("cached step %d, L = %d", step, layers)
                            .isEqualTo(8L * layers + 5);
                }
                if (OpenClDevices.available()) {
                    assertThat(engine.kernelsRunOnOpenCl()).as("%s", engine.kernelExecutions()).isTrue();
                }
            }
        }
    }

    @Test
    void aValueHeadAddsOneLaunchToTheForward() {
        long[] without = forwardAndBackwardLaunches(config(2, false));
        long[] with = forwardAndBackwardLaunches(config(2, true));
        assertThat(with[0] - without[0]).isEqualTo(1);
        assertThat(with[1]).as("a backward without value seeds skips the value head").isEqualTo(without[1]);
    }

    @Test
    void clearingTheGradientAndAnAdamWStepAreOneLaunchEachAndHostCopiesNone() {
        try (AcceleratedEngine engine = engine(config(1, false))) {
            long start = engine.kernelLaunches();
            engine.zeroGradients();
            assertThat(engine.kernelLaunches() - start).isEqualTo(1);
            engine.adamWStep(AdamWSettings.defaults(), 1e-3);
            assertThat(engine.kernelLaunches() - start).isEqualTo(2);
            double[] copy = new double[engine.layout().size()];
            engine.copyParametersTo(copy);
            engine.copyGradientsTo(copy);
            engine.setGradients(copy);
            assertThat(engine.kernelLaunches() - start).as("copies between host and device are not launches").isEqualTo(2);
        }
    }

    @Test
    void measuringTheLaunchCostMakesExactlyTheLaunchesItTimesAndLeavesTheNextBackwardAlone() {
        try (AcceleratedEngine engine = engine(config(1, false))) {
            engine.forward(batch());
            engine.backward(tokenSeeds());
            double[] expected = new double[engine.layout().size()];
            engine.copyGradientsTo(expected);
            long start = engine.kernelLaunches();
            assertThat(engine.launchOverheadSeconds(25)).isPositive();
            assertThat(engine.kernelLaunches() - start).isEqualTo(25);
            engine.zeroGradients();
            engine.backward(tokenSeeds());
            double[] again = new double[expected.length];
            engine.copyGradientsTo(again);
            assertThat(again).containsExactly(expected);
        }
    }
}
