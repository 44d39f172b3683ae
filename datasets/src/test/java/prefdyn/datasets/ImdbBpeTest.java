package prefdyn.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prefdyn.reference.tokenizer.BpeFiles;
import prefdyn.reference.tokenizer.BpeTokenizer;
import prefdyn.reference.tokenizer.ByteToUnicode;

/** The committed IMDb BPE vocabulary: its shape, and that it encodes the committed sample losslessly. */
class ImdbBpeTest {

    @Test
    void committedVocabularyHasTheDocumentedShape() {
        BpeTokenizer tokenizer = ImdbBpe.load();
        assertThat(tokenizer.vocabSize()).isEqualTo(ImdbBpe.VOCAB_SIZE).isEqualTo(2305);
        assertThat(tokenizer.merges().size()).isEqualTo(ImdbBpe.MERGES);
        assertThat(tokenizer.endOfText()).isEqualTo(ImdbBpe.VOCAB_SIZE - 1);
        for (int b = 0; b < 256; b++) {
            assertThat(tokenizer.symbols().get(b)).isEqualTo(String.valueOf(ByteToUnicode.charOf(b)));
        }
        assertThat(tokenizer.encode(" the")).hasSize(1);
    }

    @Test
    void committedVocabularyRoundTripsTheCommittedSample() {
        BpeTokenizer tokenizer = ImdbBpe.load();
        List<Review> halfB = ImdbSample.load().halfB();
        long bytes = 0;
        long tokens = 0;
        for (Review review : halfB) {
            int[] ids = tokenizer.encode(review.text());
            assertThat(tokenizer.decode(ids)).isEqualTo(review.text());
            bytes += review.text().getBytes(StandardCharsets.UTF_8).length;
            tokens += ids.length;
        }
        // Held-out text is shorter in tokens than in bytes by far more than the byte tokenizer's 1.0.
        assertThat((double) bytes / tokens).isGreaterThan(3.0);
    }

    @Test
    void writtenFilesAreTheCommittedBytes(@TempDir Path folder) throws IOException {
        ImdbBpe.write(folder, ImdbBpe.load());
        assertThat(Files.readString(folder.resolve(BpeFiles.VOCAB_FILE))).isEqualTo(ImdbBpe.resource(
                BpeFiles.VOCAB_FILE));
        assertThat(Files.readString(folder.resolve(BpeFiles.MERGES_FILE))).isEqualTo(ImdbBpe.resource(
                BpeFiles.MERGES_FILE));
    }
}
