package prefdyn.datasets.startmodel;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class WordCoverageTest {

    @Test
    void countsEveryLetterOnlyWordWithRepeatsAndLooksThemUpInLowerCase() {
        Set<String> vocabulary = WordCoverage.vocabulary(List.of("A great film, don't miss it!", "Bad 10/10"));
        assertThat(vocabulary).containsExactlyInAnyOrder("a", "great", "film", "don", "t", "miss", "it", "bad");
        // "Great" and "film" twice are known; "filmx" and "xq" are not; "7" is no word: 5 words, 3 known
        WordCoverage.Coverage coverage = WordCoverage.of(List.of("Great film filmx", "7 xq film"), vocabulary);
        assertThat(coverage.words()).isEqualTo(5);
        assertThat(coverage.known()).isEqualTo(3);
        assertThat(coverage.fraction()).isEqualTo(0.6);
    }
}
