package prefdyn.reference.ppo;

import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.tokenizer.ByteTokenizer;
import prefdyn.reference.util.Parallel;

import java.util.Random;

/** Tiny models, masks and seeded random arrays shared by the PPO tests. */
final class PpoFixtures {

    /** Byte vocabulary, T 16, L 1, H 2, C 16: the smallest model that learns the toy task quickly. */
    static final GptConfig BYTE_POLICY = new GptConfig(ByteTokenizer.VOCAB_SIZE, 16, 1, 2, 16, false, false);

    /** A very small vocabulary for finite differences (every parameter is perturbed). */
    static final GptConfig SMALL = new GptConfig(11, 8, 1, 2, 8, true, true);

    private PpoFixtures() {
    }

    static ReferenceEngine engine(GptConfig config, long seed) {
        return ReferenceEngine.initialized(config, seed, Parallel.sequential());
    }

    /**
     * A ragged batch: row b has a prompt of promptLengths[b] tokens and a response of responseLengths[b] tokens,
     * right-padded; random token ids below {@code vocab}.
     */
    static TokenBatch batch(Random random, int vocab, int[] promptLengths, int[] responseLengths) {
        int width = 0;
        for (int b = 0; b < promptLengths.length; b++) {
            width = Math.max(width, promptLengths[b] + responseLengths[b]);
        }
        int[][] tokens = new int[promptLengths.length][width];
        int[] lengths = new int[promptLengths.length];
        boolean[][] mask = new boolean[promptLengths.length][width];
        for (int b = 0; b < promptLengths.length; b++) {
            lengths[b] = promptLengths[b] + responseLengths[b];
            for (int t = 0; t < width; t++) {
                tokens[b][t] = random.nextInt(vocab);
                mask[b][t] = t >= promptLengths[b] && t < lengths[b];
            }
        }
        return new TokenBatch(tokens, lengths, mask);
    }

    /** N(0, scale²) on the mask, 0 elsewhere. */
    static double[][] gaussian(Random random, boolean[][] mask, double scale) {
        double[][] x = new double[mask.length][];
        for (int b = 0; b < mask.length; b++) {
            x[b] = new double[mask[b].length];
            for (int t = 0; t < mask[b].length; t++) {
                if (mask[b][t]) {
                    x[b][t] = scale * random.nextGaussian();
                }
            }
        }
        return x;
    }

    /** A mask of the given response spans: row b is true on [starts[b], starts[b] + counts[b]) of width W. */
    static boolean[][] mask(int width, int[] starts, int[] counts) {
        boolean[][] mask = new boolean[starts.length][width];
        for (int b = 0; b < starts.length; b++) {
            for (int t = starts[b]; t < starts[b] + counts[b]; t++) {
                mask[b][t] = true;
            }
        }
        return mask;
    }

    static double[][] copy(double[][] x) {
        double[][] copy = new double[x.length][];
        for (int b = 0; b < x.length; b++) {
            copy[b] = x[b].clone();
        }
        return copy;
    }

    static int count(boolean[][] mask) {
        return AdvantageWhitening.count(mask);
    }
}
