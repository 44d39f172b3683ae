package prefdyn.datasets;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The held-out judge: a text's AFINN-165 score, the sum of the valences of its words.
 *
 * <p><b>Never use it as a training reward.</b> It exists to grade policies trained on the
 * {@link NaiveBayesSentiment} reward, so that a policy cannot game the judge it is graded by (the DPO paper's
 * "ground-truth reward", and the win rate against the SFT model). It shares nothing with the training reward:
 * no data, no features, no parameters. On full IMDb reviews its sign agrees with the review's label about 70%
 * of the time ({@code docs/data.md}, "The reward and the judge").
 *
 * <p>Scoring: the text is lower-cased, the curly apostrophe ’ becomes ', and it is split into words matching
 * {@code [\p{L}\p{N}]+(?:['-][\p{L}\p{N}]+)*} (so "can't" and "well-being" are one word each). Scanning left to
 * right, the longest run of up to three words that is a listed phrase ("does not work", "not good") is scored as
 * one entry and skipped over; otherwise the single word is scored; a hyphenated word that is not listed is scored
 * as its parts. Unlisted words score 0.
 */
public final class AfinnJudge {

    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+(?:['-][\\p{L}\\p{N}]+)*");

    private final AfinnLexicon lexicon;
    private final int longestPhrase;

    /** A judge over the given lexicon. */
    public AfinnJudge(AfinnLexicon lexicon) {
        this.lexicon = lexicon;
        this.longestPhrase = lexicon.longestPhraseWords();
    }

    /** A judge over the committed AFINN-165 word list. */
    public static AfinnJudge afinn165() {
        return new AfinnJudge(AfinnLexicon.load());
    }

    /** The sum of the valences of the words and listed phrases of {@code text}. */
    public int score(String text) {
        List<String> words = words(text);
        int score = 0;
        int i = 0;
        while (i < words.size()) {
            int matched = 0;
            for (int n = Math.min(longestPhrase, words.size() - i); n >= 2 && matched == 0; n--) {
                String phrase = String.join(" ", words.subList(i, i + n));
                if (lexicon.contains(phrase)) {
                    score += lexicon.valence(phrase);
                    matched = n;
                }
            }
            if (matched == 0) {
                score += wordValence(words.get(i));
                matched = 1;
            }
            i += matched;
        }
        return score;
    }

    private int wordValence(String word) {
        if (lexicon.contains(word) || word.indexOf('-') < 0) {
            return lexicon.valence(word);
        }
        int sum = 0;
        for (String part : word.split("-")) {
            sum += lexicon.valence(part);
        }
        return sum;
    }

    /** The words of {@code text} as the judge sees them. */
    public static List<String> words(String text) {
        Matcher matcher = WORD.matcher(text.toLowerCase(Locale.ROOT).replace('\u2019', '\''));
        List<String> words = new ArrayList<>();
        while (matcher.find()) {
            words.add(matcher.group());
        }
        return words;
    }

    /** The fraction of reviews whose score has the sign of their label (score &gt; 0 predicts positive). */
    public double accuracy(List<Review> reviews) {
        if (reviews.isEmpty()) {
            throw new IllegalArgumentException("reviews: expected at least one review to measure accuracy on");
        }
        long correct = reviews.stream().filter(r -> (score(r.text()) > 0) == r.positive()).count();
        return (double) correct / reviews.size();
    }
}
