package prefdyn.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PairFileTest {

    private static final String GOOD = "{\"prompt\":\"This movie\",\"chosen\":\" is great\",\"rejected\":\" is dull\"}";

    @TempDir
    Path folder;

    @Test
    void roundTripsInTrlFieldOrder() throws IOException {
        List<PreferencePair> pairs = List.of(
                new PreferencePair("This movie", " is great", " is dull"),
                new PreferencePair("I saw", " it twice, \"loved\" it\n", " it once. Never again…"));
        Path file = folder.resolve("pairs.jsonl");

        PairFile.write(file, pairs);

        assertThat(Files.readAllLines(file)).first().isEqualTo(GOOD);
        assertThat(PairFile.read(file)).isEqualTo(pairs);
    }

    @Test
    void readsOtherUsersFilesIgnoringExtraFieldsAndBlankLines() throws IOException {
        Path file = write("users.jsonl", "{\"id\":7,\"rejected\":\" b\",\"chosen\":\" a\",\"prompt\":\"p\",\"score\":0.5}\n"
                + "\n   \n" + GOOD + "\n");

        assertThat(PairFile.read(file)).containsExactly(new PreferencePair("p", " a", " b"),
                new PreferencePair("This movie", " is great", " is dull"));
    }

    static Stream<Arguments> malformedLines() {
        return Stream.of(
                Arguments.of("{\"prompt\":\"p\",\"chosen\":\"a\"", "expected one JSON object: "),
                Arguments.of("[1, 2]", "expected one JSON object: expected a JSON object, got an array"),
                Arguments.of("{\"prompt\":\"p\",\"prompt\":\"q\",\"chosen\":\"a\",\"rejected\":\"b\"}",
                        "expected one JSON object: Duplicate field 'prompt' at line 1, column 23"),
                Arguments.of("{\"prompt\":\"p\",\"chosen\":\"a\",\"rejected\":\"b\",\"score\":NaN}",
                        "expected one JSON object: Non-standard token 'NaN' at line 1, column 54"),
                Arguments.of("{\"prompt\":\"p\",\"chosen\":\"a\"}",
                        "field \"rejected\": expected a non-empty string, but the field is missing"),
                Arguments.of("{\"prompt\":\"p\",\"chosen\":3,\"rejected\":\"b\"}",
                        "field \"chosen\": expected a non-empty string, got a number"),
                Arguments.of("{\"prompt\":[{\"role\":\"user\",\"content\":\"p\"}],\"chosen\":\"a\",\"rejected\":\"b\"}",
                        "field \"prompt\": expected a non-empty string, got an array"),
                Arguments.of("{\"prompt\":\"\",\"chosen\":\"a\",\"rejected\":\"b\"}",
                        "field \"prompt\": expected a non-empty string, got \"\""),
                Arguments.of("{\"prompt\":\"p\",\"chosen\":null,\"rejected\":\"b\"}",
                        "field \"chosen\": expected a non-empty string, got null"),
                Arguments.of("{\"prompt\":\"p\",\"chosen\":\"same\",\"rejected\":\"same\"}",
                        "fields \"chosen\" and \"rejected\": expected different texts, got the same text twice"));
    }

    @ParameterizedTest
    @MethodSource("malformedLines")
    void aMalformedLineIsReportedWithFileAndLineAndNothingIsLoaded(String badLine, String problem)
            throws IOException {
        Path file = write("bad.jsonl", GOOD + "\n\n" + badLine + "\n" + GOOD + "\n");

        assertThatThrownBy(() -> PairFile.read(file))
                .isInstanceOf(MalformedLineException.class)
                .hasMessageStartingWith(file + ":3: " + problem)
                .satisfies(e -> {
                    MalformedLineException malformed = (MalformedLineException) e;
                    assertThat(malformed.line()).isEqualTo(3);
                    assertThat(malformed.source()).isEqualTo(file.toString());
                });
    }

    @Test
    void invalidUtf8IsReportedWithItsLine() throws IOException {
        Path file = folder.resolve("latin1.jsonl");
        byte[] bad = "{\"prompt\":\"caf\u00e9\",\"chosen\":\"a\",\"rejected\":\"b\"}\n".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(file, concat((GOOD + "\n").getBytes(StandardCharsets.UTF_8), bad));

        assertThatThrownBy(() -> PairFile.read(file))
                .isInstanceOf(MalformedLineException.class)
                .hasMessage(file + ":2: expected UTF-8 text, found invalid bytes");
    }

    @Test
    void writingReplacesTheFileWholeAndLeavesNoTemporaryFile() throws IOException {
        Path file = folder.resolve("pairs.jsonl.gz");
        PairFile.write(file, List.of(new PreferencePair("a", " b", " c"), new PreferencePair("d", " e", " f")));

        PairFile.write(file, List.of(new PreferencePair("x", " y", " z")));

        assertThat(PairFile.read(file)).containsExactly(new PreferencePair("x", " y", " z"));
        try (Stream<Path> listing = Files.list(folder)) {
            assertThat(listing).containsExactly(file);
        }
    }

    @Test
    void aPairNeverHasEqualChosenAndRejected() {
        assertThatThrownBy(() -> new PreferencePair("p", " same", " same"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected different texts");
    }

    private Path write(String name, String content) throws IOException {
        Path file = folder.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] all = new byte[first.length + second.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }
}
