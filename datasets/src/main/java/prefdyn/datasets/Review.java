package prefdyn.datasets;

/**
 * One labelled movie review: its cleaned text and its author's binary rating.
 *
 * @param text  the review text (non-empty)
 * @param label 1 for a positive review (IMDb rating ≥ 7 in the original data), 0 for a negative one (≤ 4)
 */
public record Review(String text, int label) {

    /** The label of a positive review. */
    public static final int POSITIVE = 1;

    /** The label of a negative review. */
    public static final int NEGATIVE = 0;

    /**
     * @throws IllegalArgumentException for an empty text or a label other than 0 or 1
     */
    public Review {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("review text: expected a non-empty string");
        }
        if (label != POSITIVE && label != NEGATIVE) {
            throw new IllegalArgumentException("review label: expected 0 or 1, got " + label);
        }
    }

    /** Whether the review's author liked the film. */
    public boolean positive() {
        return label == POSITIVE;
    }
}
