package prefdyn.oracle;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import prefdyn.accelerated.kernels.Tolerance;
import prefdyn.reference.fixtures.RandomParameters;
import prefdyn.reference.engine.RecomputingSession;
import prefdyn.reference.engine.SamplingSession;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.ParameterLayout;
import prefdyn.reference.util.Parallel;
import prefdyn.vector.VectorEngine;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The vector engine's KV-cached sampling session at every step of seeded sampling runs (the protocol of
 * {@link TwinKvCacheDifferentialTest#compareSessions}): against the reference's session within
 * {@link VectorTolerances#MODEL_NEXT_TOKEN_LOG_PROBS}, and against the engine's own recomputing session to the bit
 * — the contract of {@code PolicyEngine.startSampling} — because every position runs the same float operations in
 * the same order either way.
 */
class VectorKvCacheDifferentialTest {

    private static final Tolerance BIT_IDENTICAL = new Tolerance(0, 0);

    @Provide
    Arbitrary<GptConfig> configs() {
        return Fixtures.configs();
    }

    @Property(tries = 40, seed = "6121")
    void theCachedSessionMatchesTheReferenceAndItsOwnRecomputeAtEveryStep(
            @ForAll("configs") GptConfig config, @ForAll @IntRange(min = 1, max = 5) int rows, @ForAll long seed) {
        double[] params = RandomParameters.initializedWithNoise(config, seed, 0.3);
        try (Parallel two = new Parallel(2)) {
            VectorEngine vector = new VectorEngine(config, params, two);
            assertThat(vector.startSampling(List.of(new int[] {0})).getClass())
                    .isNotEqualTo(RecomputingSession.class);
            TwinKvCacheDifferentialTest.compareSessions("vector", vector, config, params, rows, seed,
                    VectorTolerances.MODEL_NEXT_TOKEN_LOG_PROBS, BIT_IDENTICAL);
        }
    }

    /** Known answer: with every parameter zero each next-token row is uniform, −ln V, at every step. */
    @Example
    void theUniformModelSamplesFromTheUniformDistributionAtEveryStep() {
        GptConfig config = new GptConfig(5, 6, 1, 2, 4, false, false);
        VectorEngine vector = new VectorEngine(config, new double[new ParameterLayout(config).size()],
                Parallel.sequential());
        SamplingSession session = vector.startSampling(List.of(new int[] {1, 2}, new int[] {3}));
        for (int step = 0; step < 3; step++) {
            double[][] rows = session.nextTokenLogProbs(new int[] {0, 1});
            for (double[] row : rows) {
                for (double logProb : row) {
                    assertThat(logProb).isCloseTo(-Math.log(5), within(1e-6));
                }
            }
            session.append(0, step);
            session.append(1, 4 - step);
        }
    }
}
