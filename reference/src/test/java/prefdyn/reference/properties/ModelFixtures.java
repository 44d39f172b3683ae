package prefdyn.reference.properties;

import prefdyn.reference.engine.BackwardSeeds;
import prefdyn.reference.engine.ForwardResult;
import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.fixtures.RandomParameters;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.GptModel;
import prefdyn.reference.util.Parallel;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Seeded random small models and the bit-identity assertions shared by the whole-model tests and properties (batches
 * and backward seeds come from {@code prefdyn.reference.fixtures.RandomBatches}). Everything is drawn from a
 * {@link Random} the caller seeds, so every case is reproducible.
 */
final class ModelFixtures {

    private ModelFixtures() {
    }

    /**
     * A small config with both heads on: V in 7..11, context 6..7, L in 1..2, H in 1..2, C in 4..8 with H | C.
     */
    static GptConfig randomConfig(Random random) {
        int vocab = 7 + random.nextInt(5);
        int context = 6 + random.nextInt(2);
        int layers = 1 + random.nextInt(2);
        int heads = 1 + random.nextInt(2);
        int channels;
        do {
            channels = 4 + random.nextInt(5);
        } while (channels % heads != 0);
        return new GptConfig(vocab, context, layers, heads, channels, true, true);
    }

    /**
     * GPT-2's initialisation for {@code seed}, then N(0, noise²) added to every parameter, so that LayerNorm gains
     * and all biases are non-trivial and the model is far from the near-uniform distribution of a fresh init.
     */
    static GptModel randomModel(GptConfig config, Parallel parallel, long seed, double noise) {
        GptModel model = new GptModel(config, parallel);
        RandomParameters.initializeWithNoise(model.layout(), model.parameters(), seed, noise);
        return model;
    }

    /** A row of {@code width} random token ids; whatever lies beyond a sequence's length is junk padding. */
    static int[] randomTokens(Random random, int vocab, int width) {
        int[] tokens = new int[width];
        for (int t = 0; t < width; t++) {
            tokens[t] = random.nextInt(vocab); // padding holds junk (valid ids) too
        }
        return tokens;
    }

    /** L = Σ seeds ⊙ outputs over token log-probs, values and rewards (in a fixed order). */
    static double loss(ForwardResult result, BackwardSeeds seeds) {
        return dot(seeds.tokenLogProbs(), result.tokenLogProbs())
                + dot(seeds.values(), result.values())
                + dot(seeds.rewards(), result.rewards());
    }

    private static double dot(double[][] seeds, double[][] outputs) {
        if (seeds == null) {
            return 0.0;
        }
        double sum = 0;
        for (int b = 0; b < seeds.length; b++) {
            for (int t = 0; t < seeds[b].length; t++) {
                sum += seeds[b][t] * outputs[b][t];
            }
        }
        return sum;
    }

    /**
     * Asserts that sequence {@code actualRow} of {@code actual} and sequence {@code expectedRow} of
     * {@code expected} report bit-identical per-position outputs over the first {@code length} positions:
     * log-probs, entropies, max-probs, values and rewards (when the model has those heads).
     */
    static void assertSameOutputs(String what, ForwardResult expected, int expectedRow, ForwardResult actual,
                                  int actualRow, int length) {
        assertBitIdentical(what + ", token log-probs", prefix(expected.tokenLogProbs()[expectedRow], length),
                prefix(actual.tokenLogProbs()[actualRow], length));
        assertBitIdentical(what + ", entropies", prefix(expected.entropies()[expectedRow], length),
                prefix(actual.entropies()[actualRow], length));
        assertBitIdentical(what + ", max-probs", prefix(expected.maxProbs()[expectedRow], length),
                prefix(actual.maxProbs()[actualRow], length));
        if (expected.values() != null) {
            assertBitIdentical(what + ", values", prefix(expected.values()[expectedRow], length),
                    prefix(actual.values()[actualRow], length));
        }
        if (expected.rewards() != null) {
            assertBitIdentical(what + ", rewards", prefix(expected.rewards()[expectedRow], length),
                    prefix(actual.rewards()[actualRow], length));
        }
    }

    /** Bit-identity (raw bits: +0.0 and −0.0 differ), reporting the first differing index and both values. */
    static void assertBitIdentical(String what, double[] expected, double[] actual) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            if (Double.doubleToRawLongBits(expected[i]) != Double.doubleToRawLongBits(actual[i])) {
                fail("%s differ at index %d: expected %s, got %s (difference %s)", what, i, expected[i], actual[i],
                        actual[i] - expected[i]);
            }
        }
    }

    /** {@code assertBitIdentical} for one value. */
    static void assertBitIdentical(String what, double expected, double actual) {
        assertBitIdentical(what, new double[]{expected}, new double[]{actual});
    }

    private static double[] prefix(double[] row, int length) {
        return Arrays.copyOf(row, length);
    }

    /** Rows {@code [from, to)} of a batch, with the same width. */
    static TokenBatch slice(TokenBatch batch, int from, int to) {
        int[][] tokens = new int[to - from][];
        int[] lengths = new int[to - from];
        boolean[][] mask = new boolean[to - from][];
        for (int b = from; b < to; b++) {
            tokens[b - from] = batch.tokens()[b].clone();
            lengths[b - from] = batch.lengths()[b];
            mask[b - from] = batch.responseMask()[b].clone();
        }
        return new TokenBatch(tokens, lengths, mask);
    }

    /** Rows {@code [from, to)} of seeds (null stays null). */
    static BackwardSeeds slice(BackwardSeeds seeds, int from, int to) {
        return new BackwardSeeds(rows(seeds.tokenLogProbs(), from, to), rows(seeds.values(), from, to),
                rows(seeds.rewards(), from, to));
    }

    private static double[][] rows(double[][] array, int from, int to) {
        if (array == null) {
            return null;
        }
        double[][] rows = new double[to - from][];
        for (int b = from; b < to; b++) {
            rows[b - from] = array[b].clone();
        }
        return rows;
    }
}
