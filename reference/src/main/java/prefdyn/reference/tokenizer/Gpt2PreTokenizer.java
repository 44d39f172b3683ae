package prefdyn.reference.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2's pre-tokenisation: the text is cut into pieces by one regular expression (the {@code pat} of OpenAI's
 * {@code gpt-2/src/encoder.py}, also Hugging Face's {@code ByteLevel} pre-tokenizer with {@code use_regex}), and
 * BPE then runs inside each piece, never across two.
 *
 * <pre>
 *   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
 * </pre>
 * That is: an English contraction suffix; else an optional space and a run of letters, or of digits, or of
 * other non-space characters; else a run of whitespace that stops before the last whitespace character when a
 * non-space follows (so that character can begin the next piece, as in " the"); else the trailing run.
 *
 * <p>{@code \s} is Unicode White_Space ({@link Pattern#UNICODE_CHARACTER_CLASS}), as in Python's {@code regex}
 * module that GPT-2 uses; U+0085 (NEXT LINE) is whitespace there. (JavaScript's {@code \s} lacks U+0085, so the
 * npm port {@code gpt-3-encoder} differs on a space followed by U+0085 and a letter.) Letters and digits are
 * matched by code point, so characters outside the BMP are one character each.
 */
public final class Gpt2PreTokenizer {

    /** GPT-2's pattern, verbatim. */
    public static final String PATTERN_TEXT =
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    private static final Pattern PATTERN = Pattern.compile(PATTERN_TEXT, Pattern.UNICODE_CHARACTER_CLASS);

    private Gpt2PreTokenizer() {
    }

    /** The pieces of {@code text}, in order; their concatenation is {@code text}. */
    public static List<String> split(String text) {
        List<String> pieces = new ArrayList<>();
        Matcher matcher = PATTERN.matcher(text);
        while (matcher.find()) {
            pieces.add(matcher.group());
        }
        return pieces;
    }
}
