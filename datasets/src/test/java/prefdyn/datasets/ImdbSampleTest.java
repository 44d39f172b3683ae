package prefdyn.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Invariants of the committed sample; these always run (no network, no raw data needed). */
class ImdbSampleTest {

    private final ImdbSplit sample = ImdbSample.load();

    @Test
    void eachHalfHoldsOneThousandReviewsOfEachLabel() {
        for (List<Review> half : List.of(sample.halfA(), sample.halfB())) {
            assertThat(half).hasSize(2 * ImdbSample.PER_LABEL);
            assertThat(half.stream().filter(Review::positive).count()).isEqualTo(ImdbSample.PER_LABEL);
        }
    }

    @Test
    void textsAreCleanAndDistinctAndTheHalvesAreDisjoint() {
        Set<String> texts = new HashSet<>();
        for (List<Review> half : List.of(sample.halfA(), sample.halfB())) {
            for (Review review : half) {
                assertThat(texts.add(review.text())).as("duplicate text: %s", review.text()).isTrue();
                assertThat(review.text())
                        .doesNotContainIgnoringCase("<br")
                        .doesNotContain("  ")
                        .isEqualTo(ReviewCleaner.clean(review.text()));
            }
        }
        assertThat(texts).hasSize(4 * ImdbSample.PER_LABEL);
    }

    @Test
    void labelsAreMixedWithinEachHalf() {
        // The halves are shuffled after the stratified cut, so a file never starts with a run of one label.
        for (List<Review> half : List.of(sample.halfA(), sample.halfB())) {
            assertThat(half.subList(0, 20)).anyMatch(Review::positive).anyMatch(r -> !r.positive());
        }
    }
}
