package prefdyn.reference.properties;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import prefdyn.reference.model.GptConfig;

/** jqwik generators shared by the model properties. */
final class ModelArbitraries {

    /** Context length of every generated config; sequences are at most this long. */
    static final int CONTEXT = 8;

    private ModelArbitraries() {
    }

    /** Small configs: V in 2..11, L in 1..2, H in 1..2, head size in 1..4, either head on or off. */
    static Arbitrary<GptConfig> configs() {
        return Combinators.combine(
                        Arbitraries.integers().between(2, 11),
                        Arbitraries.integers().between(1, 2),
                        Arbitraries.integers().between(1, 2),
                        Arbitraries.integers().between(1, 4),
                        Arbitraries.of(true, false),
                        Arbitraries.of(true, false))
                .as((vocab, layers, heads, headSize, valueHead, rewardHead) ->
                        new GptConfig(vocab, CONTEXT, layers, heads, heads * headSize, valueHead, rewardHead));
    }
}
