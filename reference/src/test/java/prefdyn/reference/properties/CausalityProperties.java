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

/** Causal masking: what the model says about position t never depends on tokens after t. */
class CausalityProperties {

    @Provide
    Arbitrary<GptConfig> configs() {
        return ModelArbitraries.configs();
    }

    /**
     * Replaces the token at one position p ≥ 1 of one sequence of a random ragged batch by a different id. Then,
     * bit for bit: that sequence's log-probs, values and rewards at t &lt; p are unchanged (the log-prob of t is
     * read from position t−1), so is the distribution that predicts p (its entropy and max-prob, read at p−1),
     * and every other sequence's outputs are untouched.
     */
    @Property(tries = 40, seed = "20261127")
    void changingALaterTokenLeavesEarlierOutputsBitIdentical(@ForAll("configs") GptConfig config,
                                                             @ForAll @IntRange(min = 1, max = 3) int batchSize,
                                                             @ForAll long seed) {
        Random random = new Random(seed);
        GptModel model = ModelFixtures.randomModel(config, Parallel.sequential(), seed, 0.3);
        TokenBatch batch = RandomBatches.raggedBatch(random, config.vocabSize(), batchSize, ModelArbitraries.CONTEXT);
        int sequence = random.nextInt(batchSize);
        while (batch.lengths()[sequence] < 2) {
            sequence = (sequence + 1) % batchSize; // randomBatch guarantees one sequence of length ≥ 2
        }
        int length = batch.lengths()[sequence];
        int changed = 1 + random.nextInt(length - 1);
        ForwardResult before = model.forward(batch);
        int[][] edited = batch.tokens().clone();
        edited[sequence] = edited[sequence].clone();
        int vocab = config.vocabSize();
        edited[sequence][changed] = (edited[sequence][changed] + 1 + random.nextInt(vocab - 1)) % vocab;

        ForwardResult after = model.forward(new TokenBatch(edited, batch.lengths(), batch.responseMask()));

        String what = "sequence " + sequence + " before position " + changed;
        ModelFixtures.assertSameOutputs(what, before, sequence, after, sequence, changed);
        ModelFixtures.assertBitIdentical("entropy at " + changed, before.entropies()[sequence][changed],
                after.entropies()[sequence][changed]);
        ModelFixtures.assertBitIdentical("max-prob at " + changed, before.maxProbs()[sequence][changed],
                after.maxProbs()[sequence][changed]);
        for (int b = 0; b < batchSize; b++) {
            if (b != sequence) {
                ModelFixtures.assertSameOutputs("other sequence " + b, before, b, after, b, batch.width());
                ModelFixtures.assertBitIdentical("other sequence " + b + ", sequence log-prob",
                        before.sequenceLogProbs()[b], after.sequenceLogProbs()[b]);
            }
        }
    }
}
