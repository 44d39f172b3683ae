package prefdyn.cli;

import org.junit.jupiter.api.Test;
import prefdyn.reference.engine.BackwardSeeds;
import prefdyn.reference.engine.RecomputingSession;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.engine.SamplingSession;
import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.util.Parallel;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Known answers of {@link StepFlops}, worked by hand from its formula, and the metering of {@link MeteredEngine}. */
class StepFlopsTest {

    private static final GptConfig TINY = GptConfig.tinyDefault().withValueHead(false); // V=257, C=64, L=2, T=64

    @Test
    void theTinyDefaultHas114752MatrixParametersAnd737664TrainingFlopsPerPosition() {
        // blocks 2·12·64² = 98,304; tied head 257·64 = 16,448
        assertThat(StepFlops.blockMatrixParameters(TINY)).isEqualTo(98_304L);
        assertThat(StepFlops.matrixParameters(TINY)).isEqualTo(114_752L);
        assertThat(StepFlops.matrixParameters(TINY.withValueHead(true))).isEqualTo(114_816L);
        // 6N = 688,512 plus attention 6·L·C·W = 6·2·64·64 = 49,152 (the "0.74 MFLOP per token" of docs/benchmarks.md)
        assertThat(StepFlops.trainingPerPosition(TINY, 64)).isEqualTo(737_664.0);
        assertThat(StepFlops.forwardPerPosition(TINY, 64)).isEqualTo(245_888.0);
    }

    @Test
    void passesOfABatchAddUpPerPosition() {
        // 8 rows of 64 positions: 512 · 245,888
        assertThat(StepFlops.forward(TINY, 8, 64)).isEqualTo(125_894_656.0);
        assertThat(StepFlops.backward(TINY, 8, 64, true)).isEqualTo(2 * 125_894_656.0);
        assertThat(StepFlops.forward(TINY, 8, 64) + StepFlops.backward(TINY, 8, 64, true))
                .isEqualTo(512 * StepFlops.trainingPerPosition(TINY, 64));
        // a critic's backward seeded on values only skips the LM head: 512 · (491,776 − 4·16,448)
        assertThat(StepFlops.backward(TINY, 8, 64, false)).isEqualTo(512 * 425_984.0);
        // sampling: 2 rows of 10 positions through the blocks, 20·(2·98,304 + 2·2·64·10), the head on 2 rows
        assertThat(StepFlops.samplingForward(TINY, 2, 10)).isEqualTo(20 * 199_168.0 + 2 * 2 * 16_448.0);
    }

    @Test
    void theMeteredEngineCountsTheLongestSequenceOfEachBatchAndPassesResultsThrough() {
        GptConfig config = new GptConfig(11, 8, 1, 2, 4, false, false);
        TokenBatch batch = new TokenBatch(new int[][] {{1, 2, 3, 4, 0}, {5, 6, 7, 0, 0}}, new int[] {4, 3},
                new boolean[][] {{false, true, true, true, false}, {false, true, true, false, false}});
        try (Parallel parallel = new Parallel(1)) {
            ReferenceEngine plain = ReferenceEngine.initialized(config, 3, parallel);
            MeteredEngine metered = new MeteredEngine(ReferenceEngine.initialized(config, 3, parallel));
            double[] expected = plain.forward(batch).sequenceLogProbs();
            assertThat(metered.forward(batch).sequenceLogProbs()).containsExactly(expected);
            assertThat(metered.flops()).isEqualTo(StepFlops.forward(config, 2, 4));
            assertThat(metered.forwardTokens()).isEqualTo(7);
            metered.backward(BackwardSeeds.ofTokenLogProbs(new double[][] {{0, -1, -1, -1, 0}, {0, -1, -1, 0, 0}}));
            assertThat(metered.flops()).isEqualTo(StepFlops.forward(config, 2, 4) + StepFlops.backward(config, 2, 4, true));
            metered.nextTokenLogProbs(batch);
            assertThat(metered.forwardTokens()).as("sampling passes are not forward tokens").isEqualTo(7);
            assertThat(metered.kernelLaunches()).as("the reference launches no kernels").isZero();
        }
    }

    @Test
    void theMeteredEnginePassesTheCachedSessionThroughAndMetersItAsTheRecomputation() {
        GptConfig config = new GptConfig(11, 8, 1, 2, 4, false, false);
        List<int[]> prompts = List.of(new int[] {1, 2, 3}, new int[] {4});
        try (Parallel parallel = new Parallel(1)) {
            ReferenceEngine plain = ReferenceEngine.initialized(config, 3, parallel);
            MeteredEngine metered = new MeteredEngine(ReferenceEngine.initialized(config, 3, parallel));
            SamplingSession expected = new RecomputingSession(plain, prompts);
            SamplingSession session = metered.startSampling(prompts);

            assertThat(session.nextTokenLogProbs(new int[] {0, 1})[1])
                    .containsExactly(expected.nextTokenLogProbs(new int[] {0, 1})[1]);
            assertThat(metered.flops()).isEqualTo(StepFlops.samplingForward(config, 2, 3));
            session.append(0, 5);
            expected.append(0, 5);
            // a cached step of row 0 alone (prefix of 4 tokens), metered as the pass over that prefix
            assertThat(session.nextTokenLogProbs(new int[] {0})[0])
                    .containsExactly(expected.nextTokenLogProbs(new int[] {0})[0]);
            assertThat(metered.flops())
                    .isEqualTo(StepFlops.samplingForward(config, 2, 3) + StepFlops.samplingForward(config, 1, 4));
            assertThat(session.length(0)).isEqualTo(4);
            assertThat(metered.forwardTokens()).as("sampling passes are not forward tokens").isZero();
        }
    }
}
