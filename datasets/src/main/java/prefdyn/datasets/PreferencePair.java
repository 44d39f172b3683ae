package prefdyn.datasets;

/**
 * One preference: for {@code prompt}, the continuation {@code chosen} is preferred to {@code rejected}. This is a
 * row of TRL's standard (non-conversational) preference format; the full texts are {@code prompt + chosen} and
 * {@code prompt + rejected}, so a continuation normally starts with a space.
 *
 * @throws IllegalArgumentException if a field is empty or chosen equals rejected
 */
public record PreferencePair(String prompt, String chosen, String rejected) {

    public PreferencePair {
        requireText(prompt, "prompt");
        requireText(chosen, "chosen");
        requireText(rejected, "rejected");
        if (chosen.equals(rejected)) {
            throw new IllegalArgumentException("fields \"chosen\" and \"rejected\": expected different texts, got the"
                    + " same text twice");
        }
    }

    private static void requireText(String value, String field) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("field \"" + field + "\": expected a non-empty string, got "
                    + (value == null ? "null" : "\"\""));
        }
    }
}
