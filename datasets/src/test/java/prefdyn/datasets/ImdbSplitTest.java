package prefdyn.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ImdbSplitTest {

    private static List<Review> reviews(int positives, int negatives) {
        List<Review> reviews = new ArrayList<>();
        for (int i = 0; i < Math.max(positives, negatives); i++) {
            if (i < positives) {
                reviews.add(new Review("good film number " + i, 1));
            }
            if (i < negatives) {
                reviews.add(new Review("bad film number " + i, 0));
            }
        }
        return reviews;
    }

    @Test
    void halvesAreDisjointStratifiedAndCoverEverything() {
        List<Review> all = reviews(11, 7);

        ImdbSplit split = ImdbSplit.of(all, 5L);

        assertThat(split.halfA().stream().filter(Review::positive).count()).isEqualTo(6); // ⌈11/2⌉
        assertThat(split.halfB().stream().filter(Review::positive).count()).isEqualTo(5);
        assertThat(split.halfA().stream().filter(r -> !r.positive()).count()).isEqualTo(4); // ⌈7/2⌉
        assertThat(split.halfB().stream().filter(r -> !r.positive()).count()).isEqualTo(3);
        Set<Review> a = new HashSet<>(split.halfA());
        assertThat(split.halfB()).noneMatch(a::contains);
        List<Review> union = new ArrayList<>(split.halfA());
        union.addAll(split.halfB());
        assertThat(union).containsExactlyInAnyOrderElementsOf(all);
    }

    @Test
    void sameSeedSameSplitOtherSeedOtherSplit() {
        List<Review> all = reviews(50, 50);

        assertThat(ImdbSplit.of(all, 778L)).isEqualTo(ImdbSplit.of(all, 778L));
        assertThat(ImdbSplit.of(all, 778L).halfA()).isNotEqualTo(ImdbSplit.of(all, 779L).halfA());
    }

    @Test
    void repeatedTextsAreRejected() {
        List<Review> all = List.of(new Review("same", 1), new Review("other", 0), new Review("same", 0));

        assertThatThrownBy(() -> ImdbSplit.of(all, 1L))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("review 2 repeats an earlier text");
    }

    @Test
    void balancedSampleTakesTheFirstOfEachLabelInOrder() {
        ImdbSplit split = ImdbSplit.of(reviews(20, 20), 3L);

        ImdbSplit sample = split.balancedSample(4);

        assertThat(sample.halfA()).isEqualTo(firstOfEachLabel(split.halfA(), 4)).hasSize(8);
        assertThat(sample.halfB()).isEqualTo(firstOfEachLabel(split.halfB(), 4)).hasSize(8);
        assertThatThrownBy(() -> split.balancedSample(11))
                .hasMessage("half A has 10 negative and 10 positive reviews; expected at least 11 of each");
    }

    private static List<Review> firstOfEachLabel(List<Review> half, int perLabel) {
        List<Review> expected = new ArrayList<>();
        int[] taken = new int[2];
        for (Review review : half) {
            if (taken[review.label()]++ < perLabel) {
                expected.add(review);
            }
        }
        return expected;
    }
}
