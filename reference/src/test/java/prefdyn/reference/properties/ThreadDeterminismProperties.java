package prefdyn.reference.properties;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import prefdyn.reference.engine.BackwardSeeds;
import prefdyn.reference.engine.ForwardResult;
import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.fixtures.RandomBatches;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.GptModel;
import prefdyn.reference.util.Parallel;

import java.util.Random;


/**
 * The determinism contract of {@code Parallel} and {@code PolicyEngine}: 1, 2, 3 and 4 threads give
 * bit-identical forward outputs and gradients.
 */
class ThreadDeterminismProperties {

    @Provide
    Arbitrary<GptConfig> configs() {
        return ModelArbitraries.configs();
    }

    @Property(tries = 15, seed = "20261202")
    void outputsAndGradientsAreBitIdenticalForOneToFourThreads(@ForAll("configs") GptConfig config,
                                                               @ForAll @IntRange(min = 1, max = 4) int batchSize,
                                                               @ForAll long seed) {
        TokenBatch batch = RandomBatches.raggedBatch(new Random(seed), config.vocabSize(), batchSize,
                ModelArbitraries.CONTEXT);
        BackwardSeeds seeds = RandomBatches.seeds(new Random(seed + 1), batch, config);
        ForwardResult expectedResult = null;
        double[] expectedGradient = null;
        for (int threads = 1; threads <= 4; threads++) {
            try (Parallel parallel = new Parallel(threads)) {
                GptModel model = ModelFixtures.randomModel(config, parallel, seed, 0.3);
                ForwardResult result = model.forward(batch);
                model.backward(seeds);
                if (expectedResult == null) {
                    expectedResult = result;
                    expectedGradient = model.gradients().clone();
                    continue;
                }
                for (int b = 0; b < batch.batchSize(); b++) {
                    String what = threads + " threads, sequence " + b;
                    ModelFixtures.assertSameOutputs(what, expectedResult, b, result, b, batch.width());
                    ModelFixtures.assertBitIdentical(what + ", sequence log-prob",
                            expectedResult.sequenceLogProbs()[b], result.sequenceLogProbs()[b]);
                }
                ModelFixtures.assertBitIdentical(threads + " threads, gradient", expectedGradient, model.gradients());
            }
        }
    }
}
