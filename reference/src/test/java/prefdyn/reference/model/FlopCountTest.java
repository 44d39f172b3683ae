package prefdyn.reference.model;

import org.junit.jupiter.api.Test;
import prefdyn.reference.engine.BackwardSeeds;

import static org.assertj.core.api.Assertions.assertThat;

/** Known answers of {@link FlopCount}, worked by hand from its formulas. */
class FlopCountTest {

    /** V = 257, C = 64, L = 2, H = 4, T = 64, no value or reward head. */
    private static final GptConfig TINY = GptConfig.tinyDefault().withValueHead(false);

    /** C = 128, H = 8, otherwise as {@link #TINY}: the bench module's 4x size, without its value head. */
    private static final GptConfig FOUR_X = new GptConfig(257, 64, 2, 8, 128, false, false);

    private static final BackwardSeeds TOKEN_SEEDS = new BackwardSeeds(new double[0][], null, null);
    private static final BackwardSeeds VALUE_SEEDS = new BackwardSeeds(null, new double[0][], null);
    private static final BackwardSeeds ALL_SEEDS = new BackwardSeeds(new double[0][], new double[0][], new double[0][]);

    /**
     * Blocks 2·12·64² = 98,304, tied head 257·64 = 16,448: N = 114,752. 6·N = 688,512 plus attention
     * 6·L·C·W = 6·2·64·64 = 49,152 gives 737,664 (the "about 0.74 MFLOP per token" of docs/benchmarks.md).
     */
    @Test
    void theTinyDefaultHas114752MatrixParametersAnd737664TrainingFlopsPerPosition() {
        assertThat(FlopCount.blockMatrixParameters(TINY)).isEqualTo(98_304L);
        assertThat(FlopCount.lmHeadParameters(TINY)).isEqualTo(16_448L);
        assertThat(FlopCount.matrixParameters(TINY)).isEqualTo(114_752L);
        assertThat(FlopCount.trainingPerPosition(TINY, 64)).isEqualTo(737_664L);
        assertThat(FlopCount.forwardPerPosition(TINY, 64)).isEqualTo(245_888L);
    }

    /** N = 2·12·128² + 257·128 = 426,112; 6·N + 6·2·128·64 = 2,654,976. */
    @Test
    void theFourTimesConfigHas2654976TrainingFlopsPerPosition() {
        assertThat(FlopCount.matrixParameters(FOUR_X)).isEqualTo(426_112L);
        assertThat(FlopCount.trainingPerPosition(FOUR_X, 64)).isEqualTo(2_654_976L);
    }

    /** Each head the config has adds C·1 matrix parameters, 6·C training FLOPs per position. */
    @Test
    void valueAndRewardHeadsAreCountedWhenTheConfigHasThem() {
        GptConfig withValue = TINY.withValueHead(true);
        GptConfig withBoth = withValue.withRewardHead(true);
        assertThat(FlopCount.scalarHeadParameters(TINY)).isZero();
        assertThat(FlopCount.matrixParameters(withValue)).isEqualTo(114_816L);
        assertThat(FlopCount.matrixParameters(withBoth)).isEqualTo(114_880L);
        assertThat(FlopCount.trainingPerPosition(withValue, 64)).isEqualTo(737_664L + 6 * 64);
        assertThat(FlopCount.trainingPerPosition(withBoth, 64)).isEqualTo(737_664L + 12 * 64);
    }

    /** Attention is counted at the width the batch computes: 6·L·C·W. */
    @Test
    void attentionIsCountedAtTheActualWidth() {
        // W = 10: 6·N = 688,512 plus 6·2·64·10 = 7,680
        assertThat(FlopCount.trainingPerPosition(TINY, 10)).isEqualTo(696_192L);
        assertThat(FlopCount.attentionForwardPerPosition(TINY, 10)).isEqualTo(2_560L);
    }

    @Test
    void passesOfABatchAddUpPerPosition() {
        // 8 rows of 64 positions: 512 · 245,888
        assertThat(FlopCount.forward(TINY, 8, 64)).isEqualTo(125_894_656L);
        assertThat(FlopCount.backward(TINY, 8, 64, TOKEN_SEEDS)).isEqualTo(2 * 125_894_656L);
        assertThat(FlopCount.forward(TINY, 8, 64) + FlopCount.backward(TINY, 8, 64, TOKEN_SEEDS))
                .isEqualTo(512 * FlopCount.trainingPerPosition(TINY, 64));
        // sampling: 2 rows of 10 positions through the blocks, 20·(2·98,304 + 2·2·64·10), the head on 2 rows
        assertThat(FlopCount.samplingForward(TINY, 2, 10)).isEqualTo(20 * 199_168L + 2 * 2 * 16_448L);
    }

    /** The backward counts the heads its seeds run, and the forward counts every head the config has. */
    @Test
    void theBackwardCountsOnlyTheHeadsItsSeedsRun() {
        GptConfig withValue = TINY.withValueHead(true);
        // forward: 2·114,816 + 2·2·64·64 = 246,016 per position
        assertThat(FlopCount.forward(withValue, 8, 64)).isEqualTo(512 * 246_016L);
        // token seeds only, the value head's backward skipped: 4·114,752 + 4·2·64·64 = 491,776
        assertThat(FlopCount.backward(withValue, 8, 64, TOKEN_SEEDS)).isEqualTo(512 * 491_776L);
        // the bench module's step on the tiny default (value head, token seeds): 737,792 per position
        assertThat(FlopCount.forward(withValue, 8, 64) + FlopCount.backward(withValue, 8, 64, TOKEN_SEEDS))
                .isEqualTo(512 * 737_792L);
        // a critic seeded on its values alone skips the LM head: 4·(98,304 + 64) + 4·2·64·64 = 426,240
        assertThat(FlopCount.backward(withValue, 8, 64, VALUE_SEEDS)).isEqualTo(512 * 426_240L);
        // every output seeded: the closed form 6·N + 6·L·C·W
        GptConfig withBoth = withValue.withRewardHead(true);
        assertThat(FlopCount.forward(withBoth, 8, 64) + FlopCount.backward(withBoth, 8, 64, ALL_SEEDS))
                .isEqualTo(512 * FlopCount.trainingPerPosition(withBoth, 64));
    }

    @Test
    void knownAnswersPerCall() {
        assertThat(FlopCount.matmulForward(512, 64, 192)).isEqualTo(12_582_912L);    // 2·512·64·192
        assertThat(FlopCount.matmulBackward(512, 64, 192)).isEqualTo(25_165_824L);   // twice the forward
        assertThat(FlopCount.attentionForward(8, 64, 64)).isEqualTo(4_259_840L);     // 2·8·64·64·65
        assertThat(FlopCount.attentionBackward(8, 64, 64)).isEqualTo(8_519_680L);
        // one sequence of 2 positions, C = 1: pairs (0,0), (1,0), (1,1); 4 FLOPs each forward, 8 backward
        assertThat(FlopCount.attentionForward(1, 2, 1)).isEqualTo(12L);
        assertThat(FlopCount.attentionBackward(1, 2, 1)).isEqualTo(24L);
    }

    /**
     * The closed form's 6·N, without heads, is the sum over the model's matrix products (four per block, the LM
     * head once) of their forward and backward FLOPs for one row.
     */
    @Test
    void matrixTermIsTheSumOfTheModelsProductsPerPosition() {
        for (GptConfig config : new GptConfig[] {TINY, FOUR_X}) {
            long C = config.channels();
            long[][] blockProducts = {{C, 3 * C}, {C, C}, {C, 4 * C}, {4 * C, C}}; // [in, out] of each linear
            long perRow = 0;
            for (long[] product : blockProducts) {
                perRow += config.numLayers()
                        * (FlopCount.matmulForward(1, product[0], product[1])
                        + FlopCount.matmulBackward(1, product[0], product[1]));
            }
            perRow += FlopCount.matmulForward(1, C, config.vocabSize())
                    + FlopCount.matmulBackward(1, C, config.vocabSize());
            assertThat(perRow).isEqualTo(6 * FlopCount.matrixParameters(config));
        }
    }

    /** The exact causal counts are 6·C·(W+1) per layer and position: the closed form's 6·C·W, times (W+1)/W. */
    @Test
    void attentionTermMatchesTheExactCountsPerPosition() {
        long B = 8;
        int W = 64;
        long C = TINY.channels();
        long exact = TINY.numLayers() * (FlopCount.attentionForward(B, W, C) + FlopCount.attentionBackward(B, W, C));
        assertThat(exact).isEqualTo(B * W * TINY.numLayers() * 6 * C * (W + 1));
        long closedForm = FlopCount.trainingPerPosition(TINY, W) - 6 * FlopCount.matrixParameters(TINY);
        assertThat(closedForm).isEqualTo(TINY.numLayers() * 6 * C * W);
    }
}
