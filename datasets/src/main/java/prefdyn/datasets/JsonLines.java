package prefdyn.datasets;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import prefdyn.reference.util.JsonFiles;

/**
 * Strict JSON Lines (one JSON object per line, UTF-8) reading and atomic writing, shared by the review and pair
 * files. A file whose name ends in {@code .gz} is gzip-compressed.
 *
 * <p>Reading is all or nothing: the first bad line (invalid UTF-8, invalid JSON, not an object, or rejected by
 * the caller's parser) throws a {@link MalformedLineException} naming the source and line, and no partial list
 * is returned. Blank lines (only whitespace) are skipped, so a trailing newline is harmless.
 *
 * <p>Writing goes to a temporary file in the target's folder, which is then renamed over the target, so readers
 * never see a half-written file.
 */
public final class JsonLines {

    private JsonLines() {
    }

    /** U+FEFF, which some editors put at the start of a UTF-8 file; skipped at the start of the first line. */
    public static final String BYTE_ORDER_MARK = "\uFEFF";

    /** Turns one parsed JSON object into a value; throws {@link IllegalArgumentException} saying what is wrong. */
    @FunctionalInterface
    public interface ObjectParser<T> {
        T parse(Map<String, Object> object);
    }

    /** Reads every line of {@code file} with {@code parser}. */
    public static <T> List<T> read(Path file, ObjectParser<T> parser) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString(), parser);
        }
    }

    /**
     * Reads every line of {@code in} (gunzipped first when {@code source} ends in {@code .gz}).
     *
     * @param source the name used in error messages
     */
    public static <T> List<T> read(InputStream in, String source, ObjectParser<T> parser) throws IOException {
        InputStream raw = new BufferedInputStream(source.endsWith(".gz") ? new GZIPInputStream(in) : in);
        CharsetDecoder strictUtf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        List<T> values = new ArrayList<>();
        ByteArrayOutputStream lineBytes = new ByteArrayOutputStream();
        long lineNumber = 0;
        boolean more = true;
        while (more) {
            lineBytes.reset();
            int b;
            while ((b = raw.read()) >= 0 && b != '\n') {
                lineBytes.write(b);
            }
            more = b >= 0;
            if (!more && lineBytes.size() == 0) {
                break; // end of file, or the newline that ends the last line
            }
            lineNumber++;
            String line;
            try {
                line = strictUtf8.decode(ByteBuffer.wrap(lineBytes.toByteArray())).toString();
            } catch (CharacterCodingException e) {
                throw new MalformedLineException(source, lineNumber, "expected UTF-8 text, found invalid bytes", e);
            }
            if (lineNumber == 1 && line.startsWith(BYTE_ORDER_MARK)) {
                line = line.substring(1); // skipped, as Python's utf-8-sig and most tools do
            }
            if (!line.isBlank()) {
                values.add(parseLine(line, source, lineNumber, parser));
            }
        }
        return values;
    }

    private static <T> T parseLine(String line, String source, long lineNumber, ObjectParser<T> parser)
            throws MalformedLineException {
        Map<String, Object> object;
        try {
            object = JsonFiles.parseObject(line);
        } catch (JsonFiles.JsonException e) {
            throw new MalformedLineException(source, lineNumber, "expected one JSON object: " + e.getMessage(), e);
        }
        try {
            return parser.parse(object);
        } catch (IllegalArgumentException e) {
            throw new MalformedLineException(source, lineNumber, e.getMessage(), e);
        }
    }

    /**
     * The value of a string field that must be present and non-empty.
     *
     * @throws IllegalArgumentException naming the field and what it holds instead
     */
    public static String requireString(Map<String, Object> object, String field) {
        if (!object.containsKey(field)) {
            throw new IllegalArgumentException("field \"" + field + "\": expected a non-empty string, but the field"
                    + " is missing");
        }
        Object value = object.get(field);
        if (!(value instanceof String string)) {
            throw new IllegalArgumentException("field \"" + field + "\": expected a non-empty string, got "
                    + JsonFiles.describe(value));
        }
        if (string.isEmpty()) {
            throw new IllegalArgumentException("field \"" + field + "\": expected a non-empty string, got \"\"");
        }
        return string;
    }

    /** Writes one compact JSON object per line, atomically (gzip-compressed when the name ends in {@code .gz}). */
    public static void write(Path file, List<? extends Map<String, ?>> objects) throws IOException {
        Path absolute = file.toAbsolutePath();
        Path folder = absolute.getParent();
        Files.createDirectories(folder);
        Path temporary = AtomicFiles.temporarySibling(absolute);
        try {
            try (BufferedWriter writer = openWriter(temporary, file.toString().endsWith(".gz"))) {
                for (Map<String, ?> object : objects) {
                    writer.write(JsonFiles.write(object));
                    writer.write('\n');
                }
            }
            AtomicFiles.moveIntoPlace(temporary, absolute);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static BufferedWriter openWriter(Path file, boolean gzip) throws IOException {
        OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            OutputStream body = gzip ? new GZIPOutputStream(out) : out;
            return new BufferedWriter(new OutputStreamWriter(body, StandardCharsets.UTF_8));
        } catch (IOException e) {
            out.close();
            throw e;
        }
    }
}
