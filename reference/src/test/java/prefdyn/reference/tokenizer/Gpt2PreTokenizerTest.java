package prefdyn.reference.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Gpt2PreTokenizerTest {

    @Test
    void knownSplits() {
        assertThat(Gpt2PreTokenizer.split("Hello world")).containsExactly("Hello", " world");
        assertThat(Gpt2PreTokenizer.split("I'm sure they'll")).containsExactly("I", "'m", " sure", " they", "'ll");
        assertThat(Gpt2PreTokenizer.split("don't!!! 1984's")).containsExactly("don", "'t", "!!!", " 1984", "'s");
        assertThat(Gpt2PreTokenizer.split("a  b")).containsExactly("a", " ", " b");
        assertThat(Gpt2PreTokenizer.split("end.\n\nNext")).containsExactly("end", ".", "\n", "\n", "Next");
        assertThat(Gpt2PreTokenizer.split("x\n\n")).containsExactly("x", "\n\n");
        assertThat(Gpt2PreTokenizer.split("123abc")).containsExactly("123", "abc");
        assertThat(Gpt2PreTokenizer.split("café 東京 😀!")).containsExactly("café", " 東京", " 😀!");
        assertThat(Gpt2PreTokenizer.split("")).isEmpty();
    }

    @Test
    void nextLineIsWhitespaceAsInPythonsRegex() {
        // U+0085 is Unicode White_Space: " " stays a piece of its own. (JavaScript's \s lacks it and would give
        // " \u0085" as one piece of "other" characters.)
        assertThat(Gpt2PreTokenizer.split("a \u0085b")).containsExactly("a", " ", "\u0085", "b");
        assertThat(Gpt2PreTokenizer.split("a\u00a0b")).containsExactly("a", "\u00a0", "b");
    }
}
