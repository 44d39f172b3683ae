package prefdyn.datasets;

import java.util.Arrays;
import prefdyn.reference.tokenizer.ByteTokenizer;

/** Cutting text to a budget of {@link ByteTokenizer} tokens (UTF-8 bytes) without splitting a character. */
public final class ByteBudget {

    private ByteBudget() {
    }

    /** The number of byte tokens of {@code text}. */
    public static int tokens(String text) {
        return ByteTokenizer.encode(text).length;
    }

    /**
     * The longest prefix of {@code text} with at most {@code maxTokens} byte tokens that ends on a character
     * boundary: exactly {@code maxTokens} tokens unless that would split a multi-byte character.
     */
    public static String truncate(String text, int maxTokens) {
        if (maxTokens < 0) {
            throw new IllegalArgumentException("maxTokens: expected a non-negative budget, got " + maxTokens);
        }
        int[] ids = ByteTokenizer.encode(text);
        if (ids.length <= maxTokens) {
            return text;
        }
        int cut = maxTokens;
        while (cut > 0 && (ids[cut] & 0xC0) == 0x80) { // ids[cut] continues the character before the cut
            cut--;
        }
        return ByteTokenizer.decode(Arrays.copyOf(ids, cut));
    }
}
