package prefdyn.reference.model;

import org.junit.jupiter.api.Test;
import prefdyn.reference.engine.RecomputingSession;
import prefdyn.reference.engine.SamplingSession;
import prefdyn.reference.util.Parallel;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Known answers and the protocol of {@link KvCachedSession}; {@code KvCacheProperties} covers random cases. */
class KvCachedSessionTest {

    /** One block, two heads of size 2, V = 7, context 6. */
    private static final GptConfig ONE_LAYER = new GptConfig(7, 6, 1, 2, 4, false, false);

    private static GptModel initialized(GptConfig config, long seed) {
        GptModel model = new GptModel(config, Parallel.sequential());
        GptInitializer.initialize(model.layout(), model.parameters(), seed);
        return model;
    }

    private static double[][] recomputed(GptModel model, int[][] sequences, int... rows) {
        return model.nextTokenLogProbs(RecomputingSession.prefixBatch(sequences, rows));
    }

    @Test
    void aModelOfZerosPredictsTheUniformDistributionAtEveryStep() {
        // every parameter 0: each LayerNorm outputs its bias, 0, so every logit is 0 and log p = 0 − 0 − ln V
        GptModel zeros = new GptModel(ONE_LAYER, Parallel.sequential());
        SamplingSession session = new KvCachedSession(zeros, List.of(new int[]{3, 1}));
        for (int step = 0; step < 4; step++) {
            double[][] logProbs = session.nextTokenLogProbs(new int[]{0});
            for (double logProb : logProbs[0]) {
                assertThat(logProb).isEqualTo(-Math.log(7));
            }
            session.append(0, step);
        }
    }

    @Test
    void eachStepEqualsNextTokenLogProbsOfTheWholePrefixExactly() {
        GptModel model = initialized(ONE_LAYER, 11);
        SamplingSession session = new KvCachedSession(model, List.of(new int[]{2}, new int[]{5, 0, 4}));

        // step 0: the prompt pass is nextTokenLogProbs of the prompt batch itself
        double[][] first = session.nextTokenLogProbs(new int[]{0, 1});
        double[][] expectedFirst = recomputed(model, new int[][]{{2}, {5, 0, 4}}, 0, 1);
        assertThat(first[0]).containsExactly(expectedFirst[0]);
        assertThat(first[1]).containsExactly(expectedFirst[1]);

        // step 1: each row's one new position through the cached block equals the recompute of its whole prefix
        session.append(0, 6);
        session.append(1, 1);
        double[][] second = session.nextTokenLogProbs(new int[]{0, 1});
        double[][] expectedSecond = recomputed(model, new int[][]{{2, 6}, {5, 0, 4, 1}}, 0, 1);
        assertThat(second[0]).containsExactly(expectedSecond[0]);
        assertThat(second[1]).containsExactly(expectedSecond[1]);

        // step 2: row 1 alone, up to the last position of the context
        session.append(1, 3);
        double[][] third = session.nextTokenLogProbs(new int[]{1});
        assertThat(third[0]).containsExactly(recomputed(model, new int[][]{{5, 0, 4, 1, 3}}, 0)[0]);
        session.append(1, 2);
        double[][] last = session.nextTokenLogProbs(new int[]{1});
        assertThat(last[0]).containsExactly(recomputed(model, new int[][]{{5, 0, 4, 1, 3, 2}}, 0)[0]);
        assertThat(session.length(1)).isEqualTo(ONE_LAYER.contextLength());
    }

    @Test
    void theCachedStepReallyReadsTheEarlierPositions() {
        // two prompts that differ only in their first token give different log-probs after a shared new token:
        // the step's attention must have used the cached keys and values of position 0
        GptModel model = initialized(ONE_LAYER, 3);
        SamplingSession session = new KvCachedSession(model, List.of(new int[]{1, 4}, new int[]{2, 4}));
        session.nextTokenLogProbs(new int[]{0, 1});
        session.append(0, 5);
        session.append(1, 5);
        double[][] logProbs = session.nextTokenLogProbs(new int[]{0, 1});
        assertThat(logProbs[0]).isNotEqualTo(logProbs[1]);
        assertThat(logProbs[0]).containsExactly(recomputed(model, new int[][]{{1, 4, 5}}, 0)[0]);
        assertThat(logProbs[1]).containsExactly(recomputed(model, new int[][]{{2, 4, 5}}, 0)[0]);
    }

    @Test
    void enforcesOneAppendPerStepAndTheModelsLimits() {
        GptModel model = initialized(ONE_LAYER, 5);
        SamplingSession session = new KvCachedSession(model, List.of(new int[]{1, 2, 3, 4, 5}, new int[]{1}));
        assertThatThrownBy(() -> session.append(0, 1)).isInstanceOf(IllegalStateException.class);
        session.nextTokenLogProbs(new int[]{0, 1});
        assertThatThrownBy(() -> session.nextTokenLogProbs(new int[]{0})).isInstanceOf(IllegalStateException.class);
        session.append(0, 6);
        assertThatThrownBy(() -> session.append(0, 6)).isInstanceOf(IllegalStateException.class);
        session.nextTokenLogProbs(new int[]{0}); // the context is now full
        session.append(0, 2);
        assertThatThrownBy(() -> session.nextTokenLogProbs(new int[]{0}))
                .hasMessageContaining("exceeds the context length 6");
        session.append(1, 7);
        assertThatThrownBy(() -> session.nextTokenLogProbs(new int[]{1})).hasMessageContaining("token id 7");
        assertThat(session.rows()).isEqualTo(2);
    }
}
