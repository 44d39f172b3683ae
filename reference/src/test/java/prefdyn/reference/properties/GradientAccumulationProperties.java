package prefdyn.reference.properties;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import prefdyn.reference.engine.BackwardSeeds;
import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.fixtures.RandomBatches;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.GptModel;
import prefdyn.reference.util.Parallel;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backward accumulates, so the gradient of a batch equals the gradients of its two halves summed by two
 * forward/backward calls without zeroing in between (the basis of gradient accumulation over micro-batches).
 * Only the order of the floating-point additions differs, hence a tolerance of 1e-12 relative to max|g|.
 */
class GradientAccumulationProperties {

    @Provide
    Arbitrary<GptConfig> configs() {
        return ModelArbitraries.configs();
    }

    @Property(tries = 40, seed = "20261130")
    void gradientOfABatchEqualsTheAccumulatedGradientsOfItsHalves(@ForAll("configs") GptConfig config,
                                                                 @ForAll @IntRange(min = 2, max = 4) int batchSize,
                                                                 @ForAll @IntRange(min = 1, max = 3) int split,
                                                                 @ForAll long seed) {
        int first = Math.min(split, batchSize - 1);
        Random random = new Random(seed);
        GptModel model = ModelFixtures.randomModel(config, Parallel.sequential(), seed, 0.3);
        TokenBatch batch = RandomBatches.raggedBatch(random, config.vocabSize(), batchSize, ModelArbitraries.CONTEXT);
        BackwardSeeds seeds = RandomBatches.seeds(random, batch, config);

        model.zeroGradients();
        model.forward(batch);
        model.backward(seeds);
        double[] whole = model.gradients().clone();

        model.zeroGradients();
        model.forward(ModelFixtures.slice(batch, 0, first));
        model.backward(ModelFixtures.slice(seeds, 0, first));
        model.forward(ModelFixtures.slice(batch, first, batchSize));
        model.backward(ModelFixtures.slice(seeds, first, batchSize));
        double[] accumulated = model.gradients();

        double scale = 0;
        double error = 0;
        for (int i = 0; i < whole.length; i++) {
            scale = Math.max(scale, Math.abs(whole[i]));
            error = Math.max(error, Math.abs(whole[i] - accumulated[i]));
        }
        assertThat(scale).isPositive();
        assertThat(error).as("max |g_batch − (g_first + g_second)|, max|g| = %s", scale)
                .isLessThanOrEqualTo(1e-12 * scale);
    }
}
