package prefdyn.oracle;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import prefdyn.accelerated.check.DifferentialCheck;
import prefdyn.accelerated.AcceleratedEngine;
import prefdyn.accelerated.kernels.FallbackPolicy;
import prefdyn.reference.data.PromptResponse;
import prefdyn.reference.dpo.PreferenceExample;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.GptModel;
import prefdyn.reference.util.Parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded configs, engines and datasets shared by the differential tests; everything from a given seed. Parameters,
 * batches and backward seeds come from {@code prefdyn.reference.fixtures}, shared with the reference's own tests.
 */
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

    static ReferenceEngine referenceEngine(GptConfig config, double[] params) {
        ReferenceEngine engine = new ReferenceEngine(new GptModel(config, Parallel.sequential()));
        engine.setParameters(params);
        return engine;
    }

    /** The twin, throwing at the first kernel that does not run on OpenCL. */
    static AcceleratedEngine twinEngine(GptConfig config, double[] params) {
        return new AcceleratedEngine(config, params, FallbackPolicy.FAIL_FAST);
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
