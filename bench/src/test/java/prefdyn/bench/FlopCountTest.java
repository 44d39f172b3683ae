package prefdyn.bench;

import org.junit.jupiter.api.Test;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.ParameterLayout;

import static org.assertj.core.api.Assertions.assertThat;

class FlopCountTest {

    /**
     * Worked by hand for the tiny default (V = 257, C = 64, L = 2, T = 64):
     * M = 2·12·64² + 257·64 = 98,304 + 16,448 = 114,752; 6·M = 688,512; attention 6·2·64·64 = 49,152;
     * 737,664 FLOPs per token (the "about 0.74 MFLOP per token" of docs/benchmarks.md).
     */
    @Test
    void knownAnswerForTheTinyDefault() {
        GptConfig config = GptConfig.tinyDefault();
        assertThat(FlopCount.matrixParameters(config)).isEqualTo(114_752L);
        assertThat(FlopCount.perToken(config)).isEqualTo(737_664L);
        assertThat(FlopCount.perStep(config, 512)).isEqualTo(737_664L * 512);
    }

    /** The 4x config (C = 128, L = 2, T = 64): M = 2·12·128² + 257·128 = 426,112; 6·M + 6·2·128·64 = 2,654,976. */
    @Test
    void knownAnswerForTheFourTimesConfig() {
        GptConfig config = ModelSize.FOUR_X.config();
        assertThat(FlopCount.matrixParameters(config)).isEqualTo(426_112L);
        assertThat(FlopCount.perToken(config)).isEqualTo(2_654_976L);
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
     * The closed form 6·M per token is the sum, over the model's matrix products (four per block, the LM head
     * once), of their forward and backward FLOPs for one row.
     */
    @Test
    void matrixTermIsTheSumOfTheModelsProductsPerToken() {
        for (ModelSize size : ModelSize.values()) {
            GptConfig config = size.config();
            long perRow = 0;
            for (MatmulShape shape : MatmulShape.values()) {
                long I = shape.in(config);
                long O = shape.out(config);
                long work = FlopCount.matmulForward(1, I, O) + FlopCount.matmulBackward(1, I, O);
                perRow += shape == MatmulShape.LM_HEAD ? work : config.numLayers() * work;
            }
            assertThat(perRow).as(size.label()).isEqualTo(6 * FlopCount.matrixParameters(config));
        }
    }

    /** The exact causal attention counts, per token, are 6·C·(T+1) per layer: the closed form's 6·C·T, plus 1/T. */
    @Test
    void attentionTermMatchesTheExactCountsPerToken() {
        GptConfig config = GptConfig.tinyDefault();
        long B = 8;
        long T = config.contextLength();
        long C = config.channels();
        long exact = FlopCount.attentionForward(B, T, C) + FlopCount.attentionBackward(B, T, C);
        assertThat(exact).isEqualTo(B * T * 6 * C * (T + 1));
        long closedForm = FlopCount.perToken(config) - 6 * FlopCount.matrixParameters(config);
        assertThat(closedForm).isEqualTo(config.numLayers() * 6 * C * T);
    }

    /** The parameter counts quoted in ModelSize's Javadoc. */
    @Test
    void modelSizesHaveTheQuotedParameterCounts() {
        assertThat(new ParameterLayout(ModelSize.DEFAULT.config()).size()).isEqualTo(120_705);
        assertThat(new ParameterLayout(ModelSize.FOUR_X.config()).size()).isEqualTo(438_017);
        assertThat(ModelSize.DEFAULT.rows()).isEqualTo(512);
        assertThat(ModelSize.FOUR_X.rows()).isEqualTo(512);
    }
}
