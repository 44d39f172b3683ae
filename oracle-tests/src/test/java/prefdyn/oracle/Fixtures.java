package prefdyn.oracle;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import prefdyn.accelerated.check.DifferentialCheck;
import prefdyn.accelerated.AcceleratedEngine;
import prefdyn.accelerated.kernels.FallbackPolicy;
import prefdyn.reference.data.PromptResponse;
import prefdyn.reference.dpo.PreferenceExample;
import prefdyn.reference.engine.BackwardSeeds;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.GptInitializer;
import prefdyn.reference.model.GptModel;
import prefdyn.reference.model.ParameterLayout;
import prefdyn.reference.util.Parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Seeded models, batches, seeds and datasets shared by the differential tests; everything from a given seed. */
final class Fixtures {

    /** Context length of the generated configs. */
    static final int CONTEXT = 8;

    private Fixtures() {
    }

    /** Small configs: V in 2..20, L in 1..2, H in 1..2, head size in 1..4, either head on or off. */
    static Arbitrary<GptConfig> configs() {
        return Combinators.combine(
                        Arbitraries.integers().between(2, 20),
                        Arbitraries.integers().between(1, 2),
                        Arbitraries.integers().between(1, 2),
                        Arbitraries.integers().between(1, 4),
                        Arbitraries.of(true, false),
                        Arbitraries.of(true, false))
                .as((vocab, layers, heads, headSize, valueHead, rewardHead) ->
                        new GptConfig(vocab, CONTEXT, layers, heads, heads * headSize, valueHead, rewardHead));
    }

    /** GPT-2's initialisation for {@code seed} plus N(0, noise²) on every parameter (non-trivial gains and biases). */
    static double[] randomParameters(GptConfig config, long seed, double noise) {
        ParameterLayout layout = new ParameterLayout(config);
        double[] params = new double[layout.size()];
        GptInitializer.initialize(layout, params, seed);
        Random random = new Random(seed ^ 0x5DEECE66DL);
        for (int i = 0; i < params.length; i++) {
            params[i] += noise * random.nextGaussian();
        }
        return params;
    }

    static ReferenceEngine referenceEngine(GptConfig config, double[] params) {
        ReferenceEngine engine = new ReferenceEngine(new GptModel(config, Parallel.sequential()));
        engine.setParameters(params);
        return engine;
    }

    /** The twin, throwing at the first kernel that does not run on OpenCL. */
    static AcceleratedEngine twinEngine(GptConfig config, double[] params) {
        return new AcceleratedEngine(config, params, FallbackPolicy.FAIL_FAST);
    }

    /**
     * A ragged batch: lengths in 1..maxLength (at least one ≥ 2), width up to two beyond the longest, junk valid
     * ids in the padding, a random response mask on 1 ≤ t &lt; length.
     */
    static TokenBatch randomBatch(Random random, int vocab, int batchSize, int maxLength) {
        int[] lengths = new int[batchSize];
        int longest = 0;
        for (int b = 0; b < batchSize; b++) {
            lengths[b] = 1 + random.nextInt(maxLength);
            longest = Math.max(longest, lengths[b]);
        }
        if (longest < 2) {
            lengths[0] = 2;
            longest = 2;
        }
        int width = Math.min(longest + random.nextInt(3), maxLength + 2);
        int[][] tokens = new int[batchSize][width];
        boolean[][] mask = new boolean[batchSize][width];
        for (int b = 0; b < batchSize; b++) {
            for (int t = 0; t < width; t++) {
                tokens[b][t] = random.nextInt(vocab);
            }
            for (int t = 1; t < lengths[b]; t++) {
                mask[b][t] = random.nextBoolean();
            }
        }
        return new TokenBatch(tokens, lengths, mask);
    }

    /** N(0,1) seeds wherever the model has an output (log-probs from position 1, heads from 0), 0 elsewhere. */
    static BackwardSeeds randomSeeds(Random random, TokenBatch batch, GptConfig config) {
        int B = batch.batchSize();
        int W = batch.width();
        double[][] logProbs = new double[B][W];
        double[][] values = config.valueHead() ? new double[B][W] : null;
        double[][] rewards = config.rewardHead() ? new double[B][W] : null;
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < batch.lengths()[b]; t++) {
                if (t >= 1) {
                    logProbs[b][t] = random.nextGaussian();
                }
                if (values != null) {
                    values[b][t] = random.nextGaussian();
                }
                if (rewards != null) {
                    rewards[b][t] = random.nextGaussian();
                }
            }
        }
        return new BackwardSeeds(logProbs, values, rewards);
    }

    /** Random prompt/response sequences of total length ≤ maxLength, tokens in [0, V). */
    static List<PromptResponse> randomSequences(Random random, int count, int vocab, int maxLength) {
        List<PromptResponse> sequences = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int promptLength = 1 + random.nextInt(maxLength / 2);
            int responseLength = 1 + random.nextInt(maxLength - promptLength);
            sequences.add(new PromptResponse(tokens(random, promptLength, vocab), tokens(random, responseLength, vocab)));
        }
        return sequences;
    }

    /** Random preference pairs with distinct chosen and rejected responses (the checker's generator). */
    static List<PreferenceExample> randomPairs(Random random, int count, int vocab, int maxLength) {
        return DifferentialCheck.randomPairs(random, count, vocab, maxLength);
    }

    private static int[] tokens(Random random, int length, int vocab) {
        int[] tokens = new int[length];
        for (int i = 0; i < length; i++) {
            tokens[i] = random.nextInt(vocab);
        }
        return tokens;
    }
}
