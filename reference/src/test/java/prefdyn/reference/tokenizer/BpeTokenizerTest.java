package prefdyn.reference.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BpeTokenizerTest {

    /** Bytes as ids 0–255, then 256 "Ġt", 257 "he", 258 "Ġthe", 259 end-of-text. */
    static BpeTokenizer theTokenizer() {
        List<String> symbols = byteSymbols();
        symbols.addAll(List.of("Ġt", "he", "Ġthe", BpeTokenizer.END_OF_TEXT_TEXT));
        return new BpeTokenizer(symbols, new BpeMerges(List.of(
                new BpeMerges.Merge("Ġ", "t"), new BpeMerges.Merge("h", "e"), new BpeMerges.Merge("Ġt", "he"))));
    }

    static List<String> byteSymbols() {
        List<String> symbols = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            symbols.add(String.valueOf(ByteToUnicode.charOf(b)));
        }
        return symbols;
    }

    @Test
    void knownAnswers() {
        BpeTokenizer tokenizer = theTokenizer();
        assertThat(tokenizer.encode(" the")).containsExactly(258);
        assertThat(tokenizer.encode("the")).containsExactly('t', 257);
        assertThat(tokenizer.encode("  the")).containsExactly(' ', 258);
        assertThat(tokenizer.encode(" then")).containsExactly(258, 'n');
        assertThat(tokenizer.encode("é")).containsExactly(0xC3, 0xA9);
        assertThat(tokenizer.encode("")).isEmpty();
        assertThat(tokenizer.vocabSize()).isEqualTo(260);
        assertThat(tokenizer.endOfText()).isEqualTo(259);
        assertThat(tokenizer.name()).isEqualTo(BpeTokenizer.NAME);
    }

    @Test
    void mergesApplyByRankNotByPosition() {
        List<String> symbols = byteSymbols();
        symbols.addAll(List.of("bc", "ab", BpeTokenizer.END_OF_TEXT_TEXT));
        BpeTokenizer bcFirst = new BpeTokenizer(symbols, new BpeMerges(List.of(
                new BpeMerges.Merge("b", "c"), new BpeMerges.Merge("a", "b"))));
        assertThat(bcFirst.encode("abc")).containsExactly('a', 256);
        BpeTokenizer abFirst = new BpeTokenizer(symbols, new BpeMerges(List.of(
                new BpeMerges.Merge("a", "b"), new BpeMerges.Merge("b", "c"))));
        assertThat(abFirst.encode("abc")).containsExactly(257, 'c');
        // every occurrence, left to right without overlap
        assertThat(abFirst.encode("ababa")).containsExactly(257, 257, 'a');
    }

    @Test
    void decodeWritesEndOfTextAsGpt2DoesAndReplacesInvalidUtf8() {
        BpeTokenizer tokenizer = theTokenizer();
        assertThat(tokenizer.decode(new int[] {'t', 257, 259, 258})).isEqualTo("the<|endoftext|> the");
        assertThat(tokenizer.decode(new int[] {0xC3})).isEqualTo("\uFFFD");
        assertThat(tokenizer.encode("<|endoftext|>")).doesNotContain(259); // text, not the special id
        assertThatThrownBy(() -> tokenizer.decode(new int[] {1, 260}))
                .hasMessageContaining("token id 260 at position 1 is outside [0, 260)");
    }

    @Test
    void aVocabularyThatCannotEncodeEveryTextIsRefused() {
        List<String> noEnd = byteSymbols();
        assertThatThrownBy(() -> new BpeTokenizer(noEnd, new BpeMerges(List.of())))
                .hasMessageContaining("lacks the end-of-text token");
        List<String> missingByte = byteSymbols();
        missingByte.set(0x41, BpeTokenizer.END_OF_TEXT_TEXT);
        assertThatThrownBy(() -> new BpeTokenizer(missingByte, new BpeMerges(List.of())))
                .hasMessageContaining("lacks the single byte 0x41");
        List<String> symbols = byteSymbols();
        symbols.add(BpeTokenizer.END_OF_TEXT_TEXT);
        assertThatThrownBy(() -> new BpeTokenizer(symbols, new BpeMerges(List.of(new BpeMerges.Merge("a", "b")))))
                .hasMessageContaining("merge 0 (a b) uses \"ab\", which is not in the vocabulary");
    }

    @Test
    void theByteTokenizerIsAvailableBehindTheSameInterface() {
        Tokenizer bytes = ByteTokenizer.asTokenizer();
        assertThat(bytes.encode("hé")).containsExactly('h', 0xC3, 0xA9);
        assertThat(bytes.decode(new int[] {'h', 'i', 256, 'x'})).isEqualTo("hi");
        assertThat(bytes.vocabSize()).isEqualTo(257);
        assertThat(bytes.endOfText()).isEqualTo(256);
        assertThat(bytes.name()).isEqualTo(ByteTokenizer.NAME);
    }
}
