package prefdyn.datasets;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import prefdyn.reference.tokenizer.ByteTokenizer;
import prefdyn.reference.tokenizer.Tokenizer;

/**
 * Fully human "shared-opening" preference pairs ({@code docs/data.md}, "The pairs"; in the spirit of SHP): the prompt
 * is an opening of k words that both a positive and a negative review begin with; the chosen continuation is the
 * positive review's, the rejected one the negative review's. Both are cut to the same budget of the model's tokens
 * ({@link #budgetFor}: 3T/4, 48 for T = 64), so that length does not tell them apart.
 *
 * <p>Construction, with {@code random = new Random(seed)}:
 * <ol>
 *   <li>Each review with more than k words and whose continuation has at least {@code budget} tokens is
 *       keyed by its first k words (exact, case-sensitive). Its continuation is the rest of the text, starting
 *       with the space after the opening, cut by {@link TokenBudget#truncate} to the budget (it may end
 *       mid-word).</li>
 *   <li>For each opening in sorted order that has both labels, the positive and the negative reviews are shuffled
 *       (in that order) and paired off one to one: min(#positive, #negative) disjoint pairs, each review used
 *       at most once. A pair whose two cut continuations are equal is dropped.</li>
 *   <li>All pairs are shuffled.</li>
 * </ol>
 * Measured with the defaults and the byte-level tokenizer (k = 3, 48 tokens, seed 778): all 49,578 reviews give 6,564 pairs over 2,037 openings;
 * half A alone 2,869 pairs over 993 openings; the committed sample's half A 130 pairs over 75 openings. The most
 * frequent openings dominate ("This movie is" 358 pairs, "I saw this" 233, "This is a" 224 on all reviews).
 */
public final class HumanPairs {

    /** Default opening length, in words. */
    public static final int DEFAULT_PREFIX_WORDS = 3;

    /** Default budget of each continuation for the committed byte-level model (T = 64): {@code budgetFor(64)}. */
    public static final int DEFAULT_BUDGET_TOKENS = 48;

    private HumanPairs() {
    }

    /**
     * The continuation budget for a model of context {@code contextLength}: 3T/4 tokens, which leaves a quarter of
     * the context for the k-word opening (and TRL's end-of-text).
     */
    public static int budgetFor(int contextLength) {
        return 3 * contextLength / 4;
    }

    /** Pairs with the default opening length, cut to {@link #DEFAULT_BUDGET_TOKENS} byte-level tokens. */
    public static List<PreferencePair> build(List<Review> reviews, long seed) {
        return build(reviews, ByteTokenizer.asTokenizer(), DEFAULT_PREFIX_WORDS, DEFAULT_BUDGET_TOKENS, seed);
    }

    /**
     * @param tokenizer    the model's tokenizer, which counts the budget
     * @param prefixWords  k, the words of the shared opening (at least 1)
     * @param budgetTokens the tokens of each continuation (at least 1)
     */
    public static List<PreferencePair> build(List<Review> reviews, Tokenizer tokenizer, int prefixWords,
                                             int budgetTokens, long seed) {
        if (prefixWords < 1) {
            throw new IllegalArgumentException("prefixWords: expected at least 1, got " + prefixWords);
        }
        if (budgetTokens < 1) {
            throw new IllegalArgumentException("budgetTokens: expected at least 1, got " + budgetTokens);
        }
        Map<String, List<List<String>>> byOpening = new TreeMap<>(); // opening -> {negative, positive} continuations
        for (Review review : reviews) {
            String[] words = review.text().split(" ", prefixWords + 1);
            if (words.length <= prefixWords) {
                continue;
            }
            String opening = review.text().substring(0, review.text().length() - words[prefixWords].length() - 1);
            String continuation = " " + words[prefixWords];
            if (TokenBudget.tokens(tokenizer, continuation) < budgetTokens) {
                continue;
            }
            byOpening.computeIfAbsent(opening, o -> List.of(new ArrayList<>(), new ArrayList<>()))
                    .get(review.label())
                    .add(TokenBudget.truncate(tokenizer, continuation, budgetTokens));
        }
        Random random = new Random(seed);
        List<PreferencePair> pairs = new ArrayList<>();
        for (Map.Entry<String, List<List<String>>> entry : byOpening.entrySet()) {
            List<String> negative = entry.getValue().get(Review.NEGATIVE);
            List<String> positive = entry.getValue().get(Review.POSITIVE);
            if (negative.isEmpty() || positive.isEmpty()) {
                continue;
            }
            List<String> chosen = SeededShuffle.shuffled(positive, random);
            List<String> rejected = SeededShuffle.shuffled(negative, random);
            for (int i = 0; i < Math.min(chosen.size(), rejected.size()); i++) {
                if (!chosen.get(i).equals(rejected.get(i))) {
                    pairs.add(new PreferencePair(entry.getKey(), chosen.get(i), rejected.get(i)));
                }
            }
        }
        return SeededShuffle.shuffled(pairs, random);
    }
}
