package prefdyn.cli.bench;

import org.junit.jupiter.api.Test;
import prefdyn.reference.engine.BackwardSeeds;
import prefdyn.reference.engine.RecomputingSession;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.engine.SamplingSession;
import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.model.FlopCount;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.util.Parallel;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The metering of {@link MeteredEngine}: it passes results through and adds up {@link FlopCount} of each pass
 * (whose own known answers are in the reference module's {@code FlopCountTest}).
 */
class MeteredEngineTest {

    /** V = 11, T = 8, L = 1, H = 2, C = 4: N = 12·4² + 11·4 = 236 without heads, 240 with a value head. */
    private static final GptConfig SMALL = new GptConfig(11, 8, 1, 2, 4, false, false);

    /** Two sequences of lengths 4 and 3: the batch computes W = 4 positions of each. */
    private static final TokenBatch BATCH = new TokenBatch(new int[][] {{1, 2, 3, 4, 0}, {5, 6, 7, 0, 0}},
            new int[] {4, 3}, new boolean[][] {{false, true, true, true, false}, {false, true, true, false, false}});

    private static final double[][] SEEDS = {{0, -1, -1, -1, 0}, {0, -1, -1, 0, 0}};

    @Test
    void theMeteredEngineCountsTheLongestSequenceOfEachBatchAndPassesResultsThrough() {
        try (Parallel parallel = new Parallel(1)) {
            ReferenceEngine plain = ReferenceEngine.initialized(SMALL, 3, parallel);
            MeteredEngine metered = new MeteredEngine(ReferenceEngine.initialized(SMALL, 3, parallel));
            double[] expected = plain.forward(BATCH).sequenceLogProbs();
            assertThat(metered.forward(BATCH).sequenceLogProbs()).containsExactly(expected);
            // 2 rows · 4 positions · (2·236 + 2·1·4·4) = 8 · 504
            assertThat(metered.flops()).isEqualTo(4_032L);
            assertThat(metered.forwardTokens()).isEqualTo(7);
            metered.backward(BackwardSeeds.ofTokenLogProbs(SEEDS));
            assertThat(metered.flops()).as("the backward is twice the forward").isEqualTo(3 * 4_032L);
            // sampling: 8 · (2·192 + 2·1·4·4) through the block, the LM head on the 2 last positions: 2 · 2·44
            metered.nextTokenLogProbs(BATCH);
            assertThat(metered.flops()).isEqualTo(3 * 4_032L + 3_328L + 176L);
            assertThat(metered.forwardTokens()).as("sampling passes are not forward tokens").isEqualTo(7);
            assertThat(metered.kernelLaunches()).as("the reference launches no kernels").isZero();
        }
    }

    @Test
    void aCriticSeededOnItsValuesIsChargedNoLmHeadBackward() {
        GptConfig critic = SMALL.withValueHead(true);
        try (Parallel parallel = new Parallel(1)) {
            MeteredEngine metered = new MeteredEngine(ReferenceEngine.initialized(critic, 3, parallel));
            metered.forward(BATCH);
            // 8 · (2·240 + 32)
            assertThat(metered.flops()).isEqualTo(4_096L);
            metered.backward(new BackwardSeeds(null, SEEDS, null));
            // + 8 · (4·192 + 4·4 + 4·1·4·4): the block, the value head and attention, no LM head
            assertThat(metered.flops()).isEqualTo(4_096L + 6_784L);
        }
    }

    @Test
    void theMeteredEnginePassesTheCachedSessionThroughAndMetersItAsTheRecomputation() {
        List<int[]> prompts = List.of(new int[] {1, 2, 3}, new int[] {4});
        try (Parallel parallel = new Parallel(1)) {
            ReferenceEngine plain = ReferenceEngine.initialized(SMALL, 3, parallel);
            MeteredEngine metered = new MeteredEngine(ReferenceEngine.initialized(SMALL, 3, parallel));
            SamplingSession expected = new RecomputingSession(plain, prompts);
            SamplingSession session = metered.startSampling(prompts);

            assertThat(session.nextTokenLogProbs(new int[] {0, 1})[1])
                    .containsExactly(expected.nextTokenLogProbs(new int[] {0, 1})[1]);
            assertThat(metered.flops()).isEqualTo(FlopCount.samplingForward(SMALL, 2, 3));
            session.append(0, 5);
            expected.append(0, 5);
            // a cached step of row 0 alone (prefix of 4 tokens), metered as the pass over that prefix
            assertThat(session.nextTokenLogProbs(new int[] {0})[0])
                    .containsExactly(expected.nextTokenLogProbs(new int[] {0})[0]);
            assertThat(metered.flops())
                    .isEqualTo(FlopCount.samplingForward(SMALL, 2, 3) + FlopCount.samplingForward(SMALL, 1, 4));
            assertThat(session.length(0)).isEqualTo(4);
            assertThat(metered.forwardTokens()).as("sampling passes are not forward tokens").isZero();
        }
    }
}
