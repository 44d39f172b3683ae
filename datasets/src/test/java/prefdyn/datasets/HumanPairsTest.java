package prefdyn.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import prefdyn.reference.tokenizer.ByteTokenizer;
import prefdyn.reference.tokenizer.Tokenizer;

class HumanPairsTest {

    private static final Tokenizer BYTES = ByteTokenizer.asTokenizer();


    @Test
    void pairsPositiveWithNegativeContinuationsOfTheSameOpeningDisjointly() {
        List<Review> reviews = List.of(
                new Review("This movie is a delight from start to finish", 1),
                new Review("This movie is a triumph of the form", 1),
                new Review("This movie is the best of the year", 1),
                new Review("This movie is a mess from start to finish", 0),
                new Review("This movie is an insult to the audience", 0),
                new Review("I saw this with friends and we laughed", 1),  // no negative with this opening
                new Review("This movie is", 0));                         // no continuation

        List<PreferencePair> pairs = HumanPairs.build(reviews, BYTES, 3, 12, 5L);

        assertThat(pairs).hasSize(2); // min(3 positive, 2 negative)
        Set<String> used = new HashSet<>();
        for (PreferencePair pair : pairs) {
            assertThat(pair.prompt()).isEqualTo("This movie is");
            assertThat(List.of(" a delight f", " a triumph o", " the best of")).contains(pair.chosen());
            assertThat(List.of(" a mess from", " an insult t")).contains(pair.rejected());
            assertThat(TokenBudget.tokens(BYTES, pair.chosen())).isEqualTo(TokenBudget.tokens(BYTES, pair.rejected())).isEqualTo(12);
            assertThat(used.add(pair.chosen()) && used.add(pair.rejected())).as("each review used once").isTrue();
        }
    }

    @Test
    void continuationsShorterThanTheBudgetAreLeftOut() {
        List<Review> reviews = List.of(new Review("Wow just wow", 1), new Review("Wow just no, a long rant", 0));

        assertThat(HumanPairs.build(reviews, BYTES, 2, 5, 1L)).isEmpty();
    }

    @Test
    void onTheSampleEveryPairIsWithinBudgetDistinctAndReproducible() {
        List<Review> halfA = ImdbSample.load().halfA();

        List<PreferencePair> pairs = HumanPairs.build(halfA, 1L);

        assertThat(pairs).isNotEmpty().isEqualTo(HumanPairs.build(halfA, 1L));
        for (PreferencePair pair : pairs) {
            assertThat(pair.chosen()).isNotEqualTo(pair.rejected()).startsWith(" ");
            assertThat(pair.prompt().split(" ")).hasSize(HumanPairs.DEFAULT_PREFIX_WORDS);
            assertThat(TokenBudget.tokens(BYTES, pair.chosen())).isBetween(45, HumanPairs.DEFAULT_BUDGET_TOKENS);
            assertThat(TokenBudget.tokens(BYTES, pair.rejected())).isBetween(45, HumanPairs.DEFAULT_BUDGET_TOKENS);
            assertThat(halfA).anyMatch(r -> r.positive() && r.text().startsWith(pair.prompt() + pair.chosen()));
            assertThat(halfA).anyMatch(r -> !r.positive() && r.text().startsWith(pair.prompt() + pair.rejected()));
        }
    }
}
