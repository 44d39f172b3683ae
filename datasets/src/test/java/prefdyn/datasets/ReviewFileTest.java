package prefdyn.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReviewFileTest {

    @TempDir
    Path folder;

    private final List<Review> reviews = List.of(
            new Review("A \"quoted\" line\nwith a newline, a tab\t, a backslash \\ and é, 映画, 🎬.", 1),
            new Review("Bad.", 0));

    @Test
    void roundTripsPlainAndGzipped() throws IOException {
        for (String name : List.of("reviews.jsonl", "reviews.jsonl.gz")) {
            Path file = folder.resolve(name);
            ReviewFile.write(file, reviews);
            assertThat(ReviewFile.read(file)).isEqualTo(reviews);
        }
        assertThat(Files.readString(folder.resolve("reviews.jsonl"))).endsWith("{\"text\":\"Bad.\",\"label\":0}\n");
        try (var listing = Files.list(folder)) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("reviews.jsonl",
                    "reviews.jsonl.gz");
        }
    }

    @Test
    void aBadLabelIsReportedWithFileLineAndField() throws IOException {
        Path file = folder.resolve("bad.jsonl");
        Files.writeString(file, "{\"text\":\"ok\",\"label\":1}\n{\"text\":\"ok too\",\"label\":2}\n",
                StandardCharsets.UTF_8);

        assertThatThrownBy(() -> ReviewFile.read(file))
                .isInstanceOf(MalformedLineException.class)
                .hasMessage(file + ":2: field \"label\": expected 0 or 1, got 2");
    }
}
