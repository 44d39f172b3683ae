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

import java.util.Arrays;
import java.util.Random;


/** A sequence's outputs do not depend on which other sequences share its batch, nor on its place in it. */
class BatchIndependenceProperties {

    @Provide
    Arbitrary<GptConfig> configs() {
        return ModelArbitraries.configs();
    }

    @Property(tries = 40, seed = "20261129")
    void outputsOfASequenceAreBitIdenticalAloneAndInABatch(@ForAll("configs") GptConfig config,
                                                           @ForAll @IntRange(min = 2, max = 4) int batchSize,
                                                           @ForAll long seed) {
        Random random = new Random(seed);
        GptModel model = ModelFixtures.randomModel(config, Parallel.sequential(), seed, 0.3);
        TokenBatch batch = RandomBatches.raggedBatch(random, config.vocabSize(), batchSize, ModelArbitraries.CONTEXT);
        ForwardResult together = model.forward(batch);

        for (int b = 0; b < batchSize; b++) {
            int length = batch.lengths()[b];
            TokenBatch alone = new TokenBatch(new int[][]{Arrays.copyOf(batch.tokens()[b], length)},
                    new int[]{length}, new boolean[][]{Arrays.copyOf(batch.responseMask()[b], length)});
            ForwardResult separate = model.forward(alone);

            ModelFixtures.assertSameOutputs("sequence " + b, separate, 0, together, b, length);
            ModelFixtures.assertBitIdentical("sequence " + b + ", sequence log-prob", separate.sequenceLogProbs()[0],
                    together.sequenceLogProbs()[b]);
        }
    }
}
