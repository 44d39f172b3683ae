package prefdyn.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ByteBudgetTest {

    @Test
    void cutsAsciiAtExactlyTheBudget() {
        assertThat(ByteBudget.truncate("abcdef", 4)).isEqualTo("abcd");
        assertThat(ByteBudget.truncate("abc", 4)).isEqualTo("abc");
        assertThat(ByteBudget.tokens("é")).isEqualTo(2);
    }

    @Test
    void neverSplitsAMultiByteCharacter() {
        // "aé" is 3 bytes (61 C3 A9): a budget of 2 would split é, so the cut falls before it.
        assertThat(ByteBudget.truncate("aéb", 2)).isEqualTo("a");
        assertThat(ByteBudget.truncate("aéb", 3)).isEqualTo("aé");
        // 🎬 is 4 bytes.
        assertThat(ByteBudget.truncate("x🎬", 4)).isEqualTo("x");
    }
}
