package prefdyn.datasets;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.SequencedSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The features of the Naive-Bayes reward ({@code docs/data.md}, "The reward and the judge"): the text is lower-cased,
 * split into the tokens matched by {@code [a-z0-9']+|[!?]}, and reduced to the <em>set</em> of its unigrams and bigrams
 * (binarized: a feature counts once however often it occurs). A bigram is its two tokens joined by one space.
 */
public final class SentimentFeatures {

    private static final Pattern TOKEN = Pattern.compile("[a-z0-9']+|[!?]");

    private SentimentFeatures() {
    }

    /** The tokens of {@code text}, in order. */
    public static List<String> tokens(String text) {
        Matcher matcher = TOKEN.matcher(text.toLowerCase(Locale.ROOT));
        List<String> tokens = new ArrayList<>();
        while (matcher.find()) {
            tokens.add(matcher.group());
        }
        return tokens;
    }

    /** The distinct unigrams and bigrams of {@code text}, in order of first occurrence. */
    public static SequencedSet<String> grams(String text) {
        List<String> tokens = tokens(text);
        SequencedSet<String> grams = new LinkedHashSet<>();
        for (int i = 0; i < tokens.size(); i++) {
            grams.add(tokens.get(i));
            if (i + 1 < tokens.size()) {
                grams.add(tokens.get(i) + " " + tokens.get(i + 1));
            }
        }
        return grams;
    }
}
