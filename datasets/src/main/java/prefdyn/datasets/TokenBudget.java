package prefdyn.datasets;

import java.util.Arrays;
import prefdyn.reference.tokenizer.Tokenizer;

/**
 * Cutting text to a budget of a model's tokens without leaving a broken piece at the cut: the kept ids are the
 * longest prefix of at most {@code maxTokens} ids whose text encodes back to exactly those ids. For the byte-level
 * tokenizer this is "at most {@code maxTokens} UTF-8 bytes, never splitting a character"; for a BPE it also backs off
 * a cut inside a word whose first pieces would re-encode differently.
 */
public final class TokenBudget {

    private TokenBudget() {
    }

    /** The number of tokens of {@code text}. */
    public static int tokens(Tokenizer tokenizer, String text) {
        return tokenizer.encode(text).length;
    }

    /** {@link #keepStart} of {@code text}'s ids, as text. */
    public static String truncate(Tokenizer tokenizer, String text, int maxTokens) {
        int[] ids = tokenizer.encode(text);
        return ids.length <= maxTokens ? text : tokenizer.decode(keepStart(tokenizer, ids, maxTokens));
    }

    /**
     * The longest prefix of {@code ids} with at most {@code maxTokens} ids that round-trips (decoding it and
     * encoding the text gives the prefix again); {@code ids} itself when it fits.
     *
     * @param ids [n] the tokens of a text, in [0, V)
     */
    public static int[] keepStart(Tokenizer tokenizer, int[] ids, int maxTokens) {
        if (maxTokens < 0) {
            throw new IllegalArgumentException("maxTokens: expected a non-negative budget, got " + maxTokens);
        }
        if (ids.length <= maxTokens) {
            return ids;
        }
        for (int cut = maxTokens; cut > 0; cut--) {
            int[] prefix = Arrays.copyOf(ids, cut);
            if (Arrays.equals(tokenizer.encode(tokenizer.decode(prefix)), prefix)) {
                return prefix;
            }
        }
        return new int[0];
    }
}
