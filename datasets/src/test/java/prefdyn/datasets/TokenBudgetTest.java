package prefdyn.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import prefdyn.reference.tokenizer.BpeTokenizer;
import prefdyn.reference.tokenizer.ByteTokenizer;
import prefdyn.reference.tokenizer.Tokenizer;

class TokenBudgetTest {

    private static final Tokenizer BYTES = ByteTokenizer.asTokenizer();

    @Test
    void cutsAsciiToTheBudget() {
        assertThat(TokenBudget.truncate(BYTES, "abcdef", 4)).isEqualTo("abcd");
        assertThat(TokenBudget.truncate(BYTES, "abc", 4)).isEqualTo("abc");
        assertThat(TokenBudget.tokens(BYTES, "é")).isEqualTo(2);
    }

    @Test
    void neverSplitsACharacter() {
        assertThat(TokenBudget.truncate(BYTES, "aéb", 2)).isEqualTo("a");
        assertThat(TokenBudget.truncate(BYTES, "aéb", 3)).isEqualTo("aé");
        // U+1F3AC is 4 bytes: a budget of 4 keeps only 'x'.
        assertThat(TokenBudget.truncate(BYTES, "x🎬", 4)).isEqualTo("x");
    }

    @Test
    void aBpeCutKeepsWholeTokensThatEncodeBackToThemselves() {
        BpeTokenizer bpe = ImdbBpe.load();
        String text = "This movie was a wonderful surprise, and the acting was superb.";
        int[] ids = bpe.encode(text);
        int[] kept = TokenBudget.keepStart(bpe, ids, 5);
        assertThat(kept.length).isBetween(1, 5);
        assertThat(bpe.encode(bpe.decode(kept))).containsExactly(kept);
        assertThat(text).startsWith(bpe.decode(kept));
        assertThat(TokenBudget.keepStart(bpe, ids, ids.length)).isSameAs(ids);
    }
}
