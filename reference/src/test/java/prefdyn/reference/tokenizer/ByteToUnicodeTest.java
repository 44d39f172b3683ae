package prefdyn.reference.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ByteToUnicodeTest {

    @Test
    void knownCharactersOfGpt2sTable() {
        assertThat(ByteToUnicode.charOf('!')).isEqualTo('!');
        assertThat(ByteToUnicode.charOf('A')).isEqualTo('A');
        assertThat(ByteToUnicode.charOf(0xFF)).isEqualTo('ÿ');
        assertThat(ByteToUnicode.charOf(0x00)).isEqualTo('\u0100');
        assertThat(ByteToUnicode.charOf('\n')).isEqualTo('Ċ'); // U+010A
        assertThat(ByteToUnicode.charOf(' ')).isEqualTo('Ġ'); // U+0120, as in GPT-2's "Ġthe"
        assertThat(ByteToUnicode.charOf(0x7F)).isEqualTo('\u0121');
        assertThat(ByteToUnicode.charOf(0xAD)).isEqualTo('\u0143'); // the soft hyphen is the 68th and last
    }

    @Test
    void isABijectionOnTheBytes() {
        Set<Character> seen = new HashSet<>();
        for (int b = 0; b < 256; b++) {
            char c = ByteToUnicode.charOf(b);
            assertThat(seen.add(c)).isTrue();
            assertThat(ByteToUnicode.byteOf(c)).isEqualTo(b);
            assertThat(Character.isWhitespace(c) || Character.isISOControl(c)).isFalse();
        }
        byte[] all = new byte[256];
        for (int b = 0; b < 256; b++) {
            all[b] = (byte) b;
        }
        assertThat(ByteToUnicode.decode(ByteToUnicode.encode(all))).isEqualTo(all);
    }

    @Test
    void aCharacterOutsideTheTableIsRefused() {
        assertThat(ByteToUnicode.byteOf(' ')).isEqualTo(-1);
        assertThatThrownBy(() -> ByteToUnicode.decode("ab c")).hasMessageContaining("U+0020 at index 2");
    }
}
