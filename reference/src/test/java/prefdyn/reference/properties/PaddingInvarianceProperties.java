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

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Right padding is invisible: a sequence gives bit-identical outputs and a bit-identical gradient whether it is
 * alone or padded to a wider row with junk tokens, even when a longer companion sequence (whose seeds are 0)
 * makes the model actually compute the padding positions.
 */
class PaddingInvarianceProperties {

    @Provide
    Arbitrary<GptConfig> configs() {
        return ModelArbitraries.configs();
    }

    @Property(tries = 40, seed = "20261128")
    void paddingChangesNeitherOutputsNorGradient(@ForAll("configs") GptConfig config,
                                                 @ForAll @IntRange(min = 1, max = ModelArbitraries.CONTEXT - 1) int length,
                                                 @ForAll @IntRange(min = 1, max = 4) int extraWidth,
                                                 @ForAll boolean withLongerCompanion,
                                                 @ForAll boolean companionFirst,
                                                 @ForAll long seed) {
        Random random = new Random(seed);
        GptModel model = ModelFixtures.randomModel(config, Parallel.sequential(), seed, 0.3);
        int width = Math.min(length + extraWidth, ModelArbitraries.CONTEXT);
        int[] tokens = ModelFixtures.randomTokens(random, config.vocabSize(), length);
        boolean[] mask = new boolean[length];
        for (int t = 1; t < length; t++) {
            mask[t] = random.nextBoolean();
        }
        TokenBatch alone = new TokenBatch(new int[][]{tokens}, new int[]{length}, new boolean[][]{mask});
        BackwardSeeds aloneSeeds = RandomBatches.seeds(random, alone, config);

        // The same sequence in a row of `width`, junk ids in the padding; optionally beside a companion of full
        // width (so positions length..width−1 of our row are computed) that gets no gradient.
        int[] padded = ModelFixtures.randomTokens(random, config.vocabSize(), width);
        System.arraycopy(tokens, 0, padded, 0, length);
        boolean[] paddedMask = Arrays.copyOf(mask, width);
        int ours = withLongerCompanion && companionFirst ? 1 : 0;
        int batchSize = withLongerCompanion ? 2 : 1;
        int[][] rows = new int[batchSize][];
        int[] lengths = new int[batchSize];
        boolean[][] masks = new boolean[batchSize][];
        double[][] logProbSeeds = new double[batchSize][width];
        double[][] valueSeeds = aloneSeeds.values() == null ? null : new double[batchSize][width];
        double[][] rewardSeeds = aloneSeeds.rewards() == null ? null : new double[batchSize][width];
        rows[ours] = padded;
        lengths[ours] = length;
        masks[ours] = paddedMask;
        copyInto(aloneSeeds.tokenLogProbs(), logProbSeeds, ours);
        copyInto(aloneSeeds.values(), valueSeeds, ours);
        copyInto(aloneSeeds.rewards(), rewardSeeds, ours);
        if (withLongerCompanion) {
            rows[1 - ours] = ModelFixtures.randomTokens(random, config.vocabSize(), width);
            lengths[1 - ours] = width;
            masks[1 - ours] = new boolean[width];
        }
        TokenBatch wide = new TokenBatch(rows, lengths, masks);
        BackwardSeeds wideSeeds = new BackwardSeeds(logProbSeeds, valueSeeds, rewardSeeds);

        model.zeroGradients();
        ForwardResult aloneResult = model.forward(alone);
        model.backward(aloneSeeds);
        double[] aloneGradient = model.gradients().clone();
        model.zeroGradients();
        ForwardResult wideResult = model.forward(wide);
        model.backward(wideSeeds);
        double[] wideGradient = model.gradients().clone();

        ModelFixtures.assertSameOutputs("padded sequence", aloneResult, 0, wideResult, ours, length);
        ModelFixtures.assertBitIdentical("sequence log-prob", aloneResult.sequenceLogProbs()[0],
                wideResult.sequenceLogProbs()[ours]);
        for (int t = length; t < width; t++) {
            assertThat(wideResult.tokenLogProbs()[ours][t]).as("log-prob on padding, t=%d", t).isEqualTo(0.0);
        }
        ModelFixtures.assertBitIdentical("gradient", aloneGradient, wideGradient);
    }

    private static void copyInto(double[][] source, double[][] destination, int row) {
        if (source != null) {
            System.arraycopy(source[0], 0, destination[row], 0, source[0].length);
        }
    }
}
