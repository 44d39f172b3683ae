package prefdyn.reference.properties;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import prefdyn.reference.engine.RecomputingSession;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.engine.SamplingSession;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.GptModel;
import prefdyn.reference.util.Parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reference's KV-cached sampling session answers every step with exactly the bits of the recomputing session
 * (the whole prefix through {@code nextTokenLogProbs}), whatever the config, the prompts, the thread count, and the
 * order in which rows start and finish.
 */
class KvCacheProperties {

    @Provide
    Arbitrary<GptConfig> configs() {
        return ModelArbitraries.configs();
    }

    /**
     * Both sessions are driven in lockstep by the same random sampler: ragged prompts; each row joins at step 0, 1
     * or 2 (so a step can mix first prompt passes with cached steps); tokens drawn at temperature 1 from the
     * log-probs; a row finishes at the stop token V − 1, at its own length limit, or at the context length.
     */
    @Property(tries = 60, seed = "20260611")
    void cachedLogProbsEqualTheRecomputedOnesAtEveryStep(@ForAll("configs") GptConfig config,
                                                         @ForAll @IntRange(min = 1, max = 7) int rows,
                                                         @ForAll @IntRange(min = 1, max = 3) int threads,
                                                         @ForAll long seed) {
        Random random = new Random(seed);
        int context = config.contextLength();
        List<int[]> prompts = new ArrayList<>();
        int[] limits = new int[rows];     // the most tokens row s may reach
        int[] firstStep = new int[rows];  // the step at which row s is first asked for
        for (int s = 0; s < rows; s++) {
            int promptLength = 1 + random.nextInt(context - 1);
            prompts.add(ModelFixtures.randomTokens(random, config.vocabSize(), promptLength));
            limits[s] = promptLength + 1 + random.nextInt(context - promptLength);
            firstStep[s] = random.nextInt(3);
        }
        int stopToken = config.vocabSize() - 1;

        try (Parallel parallel = new Parallel(threads)) {
            GptModel model = ModelFixtures.randomModel(config, parallel, seed, 0.3);
            ReferenceEngine engine = new ReferenceEngine(model);
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
                double[][] expected = recomputed.nextTokenLogProbs(asked);
                double[][] actual = cached.nextTokenLogProbs(asked);
                assertThat(actual).hasNumberOfRows(asked.length);
                for (int k = 0; k < asked.length; k++) {
                    int s = asked[k];
                    assertThat(actual[k]).as("step %d, row %d of length %d", step, s, cached.length(s))
                            .containsExactly(expected[k]);
                    int token = draw(expected[k], random.nextDouble());
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
