package prefdyn.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import prefdyn.datasets.ReviewCleaner.RawReview;

class ReviewCleanerTest {

    @Test
    void lineBreaksBecomeSpacesAndWhitespaceCollapses() {
        assertThat(ReviewCleaner.clean("Great film.<br /><br />Loved it.")).isEqualTo("Great film. Loved it.");
        assertThat(ReviewCleaner.clean("  a\tb\n\nc <BR/> d<br>e  ")).isEqualTo("a b c d e");
        assertThat(ReviewCleaner.clean("<br /><br />")).isEmpty();
    }

    @Test
    void deduplicationKeepsTheFirstOfEachCleanedText() {
        List<RawReview> raw = List.of(
                new RawReview("Fine.<br /><br />Really.", 1),
                new RawReview("Bad.", 0),
                new RawReview("Fine. Really.", 1),
                new RawReview("Fine.  Really.<br />", 1),
                new RawReview("<br />", 0));

        assertThat(ReviewCleaner.cleanAndDeduplicate(raw))
                .containsExactly(new Review("Fine. Really.", 1), new Review("Bad.", 0));
    }
}
