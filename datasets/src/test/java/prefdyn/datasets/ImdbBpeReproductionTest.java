package prefdyn.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import prefdyn.reference.tokenizer.BpeFiles;
import prefdyn.reference.tokenizer.BpeTokenizer;

/**
 * The committed IMDb BPE vocabulary is what {@link ImdbBpe#train} makes from the full half A of the raw package.
 * Without the package ({@code datasets/scripts/fetch-imdb.sh}) it skips with a message, except under
 * {@code CI=true}, where it fails.
 */
class ImdbBpeReproductionTest {

    @Test
    void trainerReproducesTheCommittedFiles() throws IOException {
        Path reviewsJson = ImdbPackage.reviewsJson(RawData.folder());
        RawData.requireOrSkipOutsideCi(Files.isRegularFile(reviewsJson), reviewsJson.toAbsolutePath()
                + " is absent; run datasets/scripts/fetch-imdb.sh (or set PREFDYN_DATA)");
        ImdbSplit split = ImdbSplit.prepare(RawData.folder(), ImdbSplit.DEFAULT_SEED);
        assertThat(split.halfA()).hasSize(24_789);

        BpeTokenizer trained = ImdbBpe.train(split, ImdbBpe.MERGES);
        assertThat(BpeFiles.mergesText(trained)).isEqualTo(ImdbBpe.resource(BpeFiles.MERGES_FILE));
        assertThat(BpeFiles.vocabText(trained)).isEqualTo(ImdbBpe.resource(BpeFiles.VOCAB_FILE));
    }
}
