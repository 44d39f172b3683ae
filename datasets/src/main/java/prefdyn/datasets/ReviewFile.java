package prefdyn.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Review files: JSON Lines with one {@code {"text": "...", "label": 0|1}} object per line (gzip-compressed when the
 * name ends in {@code .gz}). Reading is strict and all-or-nothing (see {@link JsonLines}); writing is atomic.
 * Fields other than {@code text} and {@code label} are ignored on reading.
 */
public final class ReviewFile {

    private ReviewFile() {
    }

    /** Reads a review file; a bad line throws {@link MalformedLineException} naming the file and line. */
    public static List<Review> read(Path file) throws IOException {
        return JsonLines.read(file, ReviewFile::toReview);
    }

    /** Reads review lines from a stream; {@code source} names it in error messages. */
    public static List<Review> read(InputStream in, String source) throws IOException {
        return JsonLines.read(in, source, ReviewFile::toReview);
    }

    /** Writes the reviews, one per line, in list order, atomically. */
    public static void write(Path file, List<Review> reviews) throws IOException {
        JsonLines.write(file, reviews.stream().map(ReviewFile::toObject).toList());
    }

    private static Map<String, Object> toObject(Review review) {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("text", review.text());
        object.put("label", review.label());
        return object;
    }

    private static Review toReview(Map<String, Object> object) {
        String text = JsonLines.requireString(object, "text");
        Object label = object.get("label");
        if (!(label instanceof Long value) || (value != Review.NEGATIVE && value != Review.POSITIVE)) {
            throw new IllegalArgumentException("field \"label\": expected 0 or 1, got "
                    + (object.containsKey("label") ? String.valueOf(label) : "no such field"));
        }
        return new Review(text, value.intValue());
    }
}
