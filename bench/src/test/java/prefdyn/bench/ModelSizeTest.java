package prefdyn.bench;

import org.junit.jupiter.api.Test;
import prefdyn.reference.model.FlopCount;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.ParameterLayout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sizes, shapes and FLOPs that the benchmark tables quote. {@link FlopCount}'s own known answers are in the
 * reference module's {@code FlopCountTest}.
 */
class ModelSizeTest {

    /**
     * The whole-model step of each size: its forward runs the value head (2·C per token) and its backward, seeded
     * on token log-probs alone, does not. Default: 737,664 + 2·64 = 737,792 per token; 4x: 2,654,976 + 2·128 =
     * 2,655,232 (the figures quoted in ModelSize's Javadoc).
     */
    @Test
    void theStepOfEachSizeHasTheQuotedFlopsPerToken() {
        assertThat(ModelStepBenchmark.flopsPerStep(ModelSize.DEFAULT)).isEqualTo(512 * 737_792L);
        assertThat(ModelStepBenchmark.flopsPerStep(ModelSize.FOUR_X)).isEqualTo(512 * 2_655_232L);
    }

    /**
     * The matrix products that MatmulAnchorBenchmark times (four per block, the LM head once) add up, for one row,
     * to 6 FLOPs per matrix parameter of the blocks and the LM head.
     */
    @Test
    void theMatmulShapesAreTheModelsMatrixProducts() {
        for (ModelSize size : ModelSize.values()) {
            GptConfig config = size.config();
            long perRow = 0;
            for (MatmulShape shape : MatmulShape.values()) {
                long I = shape.in(config);
                long O = shape.out(config);
                long work = FlopCount.matmulForward(1, I, O) + FlopCount.matmulBackward(1, I, O);
                perRow += shape == MatmulShape.LM_HEAD ? work : config.numLayers() * work;
            }
            long matrixParameters = FlopCount.blockMatrixParameters(config) + FlopCount.lmHeadParameters(config);
            assertThat(perRow).as(size.label()).isEqualTo(6 * matrixParameters);
        }
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
