package prefdyn.cli.reproduce;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Known answers for the quoting of a planned command line. */
class ShellWordsTest {

    @Test
    void plainWordsStayAndOthersAreSingleQuoted() {
        assertThat(ShellWords.quote("runs/reproduce")).isEqualTo("runs/reproduce");
        assertThat(ShellWords.quote("dpo/standard,ppo/standard")).isEqualTo("dpo/standard,ppo/standard");
        assertThat(ShellWords.quote("my runs")).isEqualTo("'my runs'");
        assertThat(ShellWords.quote("it's")).isEqualTo("'it'\\''s'");
        assertThat(ShellWords.quote("$HOME")).isEqualTo("'$HOME'");
        assertThat(ShellWords.quote("")).isEqualTo("''");
        assertThat(ShellWords.join(List.of("reproduce", "--out", "a b"))).isEqualTo("reproduce --out 'a b'");
    }
}
