package prefdyn.reference.properties;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import prefdyn.reference.engine.ForwardResult;
import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.fixtures.RandomBatches;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.GptModel;
import prefdyn.reference.util.Parallel;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Known answer ({@code docs/architecture.md}, "Testing: layers of oracles"): with every parameter 0 the residual
 * stream, LayerNorm outputs and logits are all 0, so every prediction is uniform: each token log-prob is −ln V, a
 * sequence log-prob is −n·ln V for n response tokens, the entropy is ln V, the largest probability 1/V, and values and
 * rewards are 0.
 */
class UniformModelTest {

    @Provide
    Arbitrary<GptConfig> configs() {
        return ModelArbitraries.configs();
    }

    @Property(tries = 20, seed = "20261203")
    void allZeroParametersGiveTheUniformDistribution(@ForAll("configs") GptConfig config,
                                                     @ForAll @IntRange(min = 1, max = 3) int batchSize,
                                                     @ForAll long seed) {
        GptModel model = new GptModel(config, Parallel.sequential());
        TokenBatch batch = RandomBatches.raggedBatch(new Random(seed), config.vocabSize(), batchSize,
                ModelArbitraries.CONTEXT);

        ForwardResult result = model.forward(batch);

        double logV = Math.log(config.vocabSize());
        for (int b = 0; b < batchSize; b++) {
            for (int t = 0; t < batch.lengths()[b]; t++) {
                double expected = t == 0 ? 0.0 : -logV;
                assertThat(result.tokenLogProbs()[b][t]).isCloseTo(expected, within(1e-12));
                assertThat(result.entropies()[b][t]).isCloseTo(t == 0 ? 0.0 : logV, within(1e-12));
                assertThat(result.maxProbs()[b][t]).isCloseTo(t == 0 ? 0.0 : 1.0 / config.vocabSize(), within(1e-12));
                if (result.values() != null) {
                    assertThat(result.values()[b][t]).isEqualTo(0.0);
                }
                if (result.rewards() != null) {
                    assertThat(result.rewards()[b][t]).isEqualTo(0.0);
                }
            }
            int n = batch.responseTokenCount(b);
            assertThat(result.sequenceLogProbs()[b]).isCloseTo(-n * logV, within(1e-12));
        }
    }
}
