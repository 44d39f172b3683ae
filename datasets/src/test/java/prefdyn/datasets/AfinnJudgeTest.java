package prefdyn.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class AfinnJudgeTest {

    /** Measured 0.7175 on the sample's half B (2026-11-27); 0.7127 on the full half B. */
    static final double SAMPLE_ACCURACY_FLOOR = 0.69;

    private final AfinnJudge judge = AfinnJudge.afinn165();

    @Test
    void handWrittenSentences() {
        assertThat(judge.score("This movie was great and wonderful")).isEqualTo(3 + 4);
        assertThat(judge.score("terrible awful waste")).isEqualTo(-3 - 3 - 1);
        assertThat(judge.score("The film runs two hours.")).isZero();
        assertThat(judge.score("")).isZero();
    }

    @Test
    void listedPhrasesWinOverTheirWords() {
        assertThat(judge.score("It was not good.")).isEqualTo(-2);       // "not good" -2, not "good" +3
        assertThat(judge.score("It was kind of fun")).isEqualTo(0 + 4);  // "kind of" 0, not "kind" +2
        assertThat(judge.score("I can’t stand it")).isEqualTo(-3);       // curly apostrophe, "can't stand"
        assertThat(judge.score("No fun at all")).isEqualTo(-3);
    }

    @Test
    void hyphenatedWordsAndNonAsciiLetters() {
        assertThat(judge.score("well-being")).isEqualTo(2);   // listed as a whole
        assertThat(judge.score("fun-filled")).isEqualTo(4);   // not listed: its parts, fun 4 + filled 0
        assertThat(judge.score("Naïve")).isEqualTo(-2);
    }

    @Test
    void theCommittedListIsAfinn165() {
        AfinnLexicon lexicon = AfinnLexicon.load();

        assertThat(lexicon.size()).isEqualTo(3382);
        assertThat(lexicon.longestPhraseWords()).isEqualTo(3);
        assertThat(lexicon.entries().values()).allMatch(v -> v >= -5 && v <= 5);
    }

    @Test
    void theCommittedListEqualsTheNpmPackageWhenFetched() throws IOException {
        Path indexJs = PrepareAfinn.indexJs(RawData.folder());
        RawData.assumePresent(indexJs);

        assertThat(AfinnLexicon.fromPackageIndexJs(indexJs).toTsvLines())
                .isEqualTo(AfinnLexicon.load().toTsvLines());
    }

    @Test
    void malformedListLinesNameTheLine() {
        assertThatThrownBy(() -> AfinnLexicon.fromTsv(List.of("good\t3", "bad -3"), "list.tsv"))
                .hasMessage("list.tsv:2: expected 'entry<TAB>valence', got 'bad -3'");
        assertThatThrownBy(() -> AfinnLexicon.fromTsv(List.of("good\t9"), "list.tsv"))
                .hasMessage("list.tsv:1: valence 9: expected an integer in [-5, 5]");
    }

    @Test
    void signAccuracyOnTheSampleIsAboveTheFloor() {
        assertThat(judge.accuracy(ImdbSample.load().halfB())).isGreaterThanOrEqualTo(SAMPLE_ACCURACY_FLOOR);
    }
}
