package prefdyn.oracle;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import prefdyn.accelerated.AcceleratedEngine;
import prefdyn.accelerated.check.Comparison;
import prefdyn.accelerated.kernels.Tolerance;
import prefdyn.accelerated.check.Tolerances;
import prefdyn.accelerated.kernels.OpenClDevices;
import prefdyn.reference.engine.PolicyEngine;
import prefdyn.reference.engine.RecomputingSession;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.engine.SamplingSession;
import prefdyn.reference.fixtures.RandomParameters;
import prefdyn.reference.model.GptConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The twin's KV-cached sampling session ({@code AcceleratedEngine.startSampling}) at every step of seeded sampling
 * runs, against (a) the reference's session (itself the recompute's bits, {@code KvCacheProperties}) within
 * {@link Tolerances#MODEL_NEXT_TOKEN_LOG_PROBS}, and (b) the twin's own recomputing session, which runs the whole
 * prefix through {@code nextTokenLogProbs} at each step. (b) is held to {@link #SAME_KERNELS}, zero on PoCL: there the
 * cached step computes every position with the same float operations in the same order as the recompute.
 */
@AddLifecycleHook(RequiresOpenCl.class)
class TwinKvCacheDifferentialTest {

    /**
     * Cached against recomputed, both on the twin: measured 0 (bit-identical on PoCL at every step of every run), so
     * zero on a CPU OpenCL device. A GPU's compiler may contract attendOneQuery's and attentionForward's arithmetic
     * differently (fused multiply-add), so there the float32 bound of next-token log-probs applies.
     */
    private static final Tolerance SAME_KERNELS = OpenClDevices.bestIsGpu()
            ? Tolerances.MODEL_NEXT_TOKEN_LOG_PROBS : new Tolerance(0, 0);

    @Provide
    Arbitrary<GptConfig> configs() {
        return Fixtures.configs();
    }

    /**
     * The protocol of {@code KvCacheProperties}: ragged prompts; each row joins at step 0, 1 or 2 (so a step can
     * mix prompt passes with cached steps); tokens drawn at temperature 1 from the reference's log-probs and fed to
     * all three sessions; a row finishes at the stop token V − 1, at its own length limit, or at the context length.
     */
    @Property(tries = 40, seed = "6021")
    void theTwinsCachedSessionMatchesTheReferenceAndItsOwnRecomputeAtEveryStep(
            @ForAll("configs") GptConfig config, @ForAll @IntRange(min = 1, max = 5) int rows, @ForAll long seed) {
        double[] params = RandomParameters.initializedWithNoise(config, seed, 0.3);
        try (AcceleratedEngine twin = Fixtures.twinEngine(config, params)) {
            compareSessions("twin", twin, config, params, rows, seed, Tolerances.MODEL_NEXT_TOKEN_LOG_PROBS,
                    SAME_KERNELS);
            assertThat(twin.kernelsRunOnOpenCl()).as("%s", twin.kernelExecutions()).isTrue();
        }
    }

    /**
     * Samples through {@code engine}'s cached session, the reference's session and {@code engine}'s recomputing
     * session at once, comparing every returned row: the cached one against the reference within
     * {@code vsReference}, and against the engine's own recompute within {@code vsRecompute}.
     */
    static void compareSessions(String label, PolicyEngine engine, GptConfig config, double[] params, int rows,
                                long seed, Tolerance vsReference, Tolerance vsRecompute) {
        Random random = new Random(seed);
        int context = config.contextLength();
        List<int[]> prompts = new ArrayList<>();
        int[] limits = new int[rows];     // the most tokens row s may reach
        int[] firstStep = new int[rows];  // the step at which row s is first asked for
        for (int s = 0; s < rows; s++) {
            int promptLength = 1 + random.nextInt(context - 1);
            int[] prompt = new int[promptLength];
            for (int t = 0; t < promptLength; t++) {
                prompt[t] = random.nextInt(config.vocabSize());
            }
            prompts.add(prompt);
            limits[s] = promptLength + 1 + random.nextInt(context - promptLength);
            firstStep[s] = random.nextInt(3);
        }
        int stopToken = config.vocabSize() - 1;
        try (ReferenceEngine reference = Fixtures.referenceEngine(config, params)) {
            SamplingSession referenceSession = reference.startSampling(prompts);
            SamplingSession cached = engine.startSampling(prompts);
            SamplingSession recomputed = new RecomputingSession(engine, prompts);
            assertThat(cached.getClass()).isNotEqualTo(RecomputingSession.class);

            boolean[] finished = new boolean[rows];
            int comparedRows = 0;
            for (int step = 0; ; step++) {
                List<Integer> active = new ArrayList<>();
                boolean anyLeft = false;
                for (int s = 0; s < rows; s++) {
                    anyLeft |= !finished[s];
                    if (!finished[s] && step >= firstStep[s]) {
                        active.add(s);
                    }
                }
                if (!anyLeft) {
                    break;
                }
                int[] asked = active.stream().mapToInt(Integer::intValue).toArray();
                double[][] expected = referenceSession.nextTokenLogProbs(asked);
                double[][] actual = cached.nextTokenLogProbs(asked);
                double[][] twinRecomputed = recomputed.nextTokenLogProbs(asked);
                assertThat(actual).hasNumberOfRows(asked.length);
                for (int k = 0; k < asked.length; k++) {
                    int s = asked[k];
                    String where = " at step " + step + ", row " + s + " of length " + cached.length(s);
                    Differences.check(Comparison.of("kv cache: " + label + "'s cached session vs reference's",
                            expected[k], actual[k], vsReference), where);
                    Differences.check(Comparison.of("kv cache: " + label + "'s cached session vs its recompute",
                            twinRecomputed[k], actual[k], vsRecompute), where);
                    int token = draw(expected[k], random.nextDouble());
                    referenceSession.append(s, token);
                    cached.append(s, token);
                    recomputed.append(s, token);
                    comparedRows++;
                    if (token == stopToken || cached.length(s) >= limits[s]) {
                        finished[s] = true;
                    }
                }
            }
            assertThat(comparedRows).isGreaterThanOrEqualTo(rows);
        }
    }

    /** Inverse-CDF draw from exp(logProbs). */
    private static int draw(double[] logProbs, double uniform) {
        double cumulative = 0;
        for (int v = 0; v < logProbs.length; v++) {
            cumulative += Math.exp(logProbs[v]);
            if (uniform < cumulative) {
                return v;
            }
        }
        return logProbs.length - 1;
    }
}
