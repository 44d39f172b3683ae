package prefdyn.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Preference-pair files in TRL's JSON Lines format: one {@code {"prompt": ..., "chosen": ..., "rejected": ...}}
 * object per line, each field a non-empty string (gzip-compressed when the name ends in {@code .gz}).
 *
 * <p>Reading accepts any user's file in this format: other fields (an id, scores) are ignored and blank lines are
 * skipped. It is all or nothing: the first bad line — invalid UTF-8 or JSON, not an object, a missing field, a
 * field that is not a string (TRL's conversational format, with lists of messages, is not supported), an empty
 * string, or a pair whose chosen equals its rejected — throws a {@link MalformedLineException} naming the file,
 * the line and the field, and no pairs are returned. Writing is atomic.
 */
public final class PairFile {

    private PairFile() {
    }

    /** Reads every pair of {@code file}. */
    public static List<PreferencePair> read(Path file) throws IOException {
        return JsonLines.read(file, PairFile::toPair);
    }

    /** Reads pairs from a stream; {@code source} names it in error messages. */
    public static List<PreferencePair> read(InputStream in, String source) throws IOException {
        return JsonLines.read(in, source, PairFile::toPair);
    }

    /** Writes the pairs, one per line with the fields in the order prompt, chosen, rejected, atomically. */
    public static void write(Path file, List<PreferencePair> pairs) throws IOException {
        JsonLines.write(file, pairs.stream().map(PairFile::toObject).toList());
    }

    private static Map<String, Object> toObject(PreferencePair pair) {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("prompt", pair.prompt());
        object.put("chosen", pair.chosen());
        object.put("rejected", pair.rejected());
        return object;
    }

    private static PreferencePair toPair(Map<String, Object> object) {
        return new PreferencePair(JsonLines.requireString(object, "prompt"), JsonLines.requireString(object, "chosen"),
                JsonLines.requireString(object, "rejected"));
    }
}
