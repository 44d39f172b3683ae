package prefdyn.datasets.startmodel;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a model writes words: the share of the letter-only words of its samples that occur in a vocabulary (the
 * words of the training corpus). A word is a maximal run of ASCII letters, compared in lower case; runs that touch a
 * digit, an apostrophe or another non-letter are split there, so "don't" gives "don" and "t" (both in any English
 * vocabulary).
 */
public final class WordCoverage {

    private static final Pattern WORD = Pattern.compile("[A-Za-z]+");

    /** The result: how many words were looked up and how many were found. */
    public record Coverage(long words, long known) {

        /** known / words, or NaN for no words. */
        public double fraction() {
            return words == 0 ? Double.NaN : (double) known / words;
        }
    }

    private WordCoverage() {
    }

    /** The lower-case letter-only words of {@code texts}. */
    public static Set<String> vocabulary(List<String> texts) {
        Set<String> words = new HashSet<>();
        for (String text : texts) {
            Matcher m = WORD.matcher(text);
            while (m.find()) {
                words.add(m.group().toLowerCase(Locale.ROOT));
            }
        }
        return words;
    }

    /** Every letter-only word of {@code samples} (with repeats), and how many of them {@code vocabulary} holds. */
    public static Coverage of(List<String> samples, Set<String> vocabulary) {
        long words = 0;
        long known = 0;
        for (String sample : samples) {
            Matcher m = WORD.matcher(sample);
            while (m.find()) {
                words++;
                if (vocabulary.contains(m.group().toLowerCase(Locale.ROOT))) {
                    known++;
                }
            }
        }
        return new Coverage(words, known);
    }
}
