package prefdyn.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import prefdyn.reference.dpo.PreferenceExample;
import prefdyn.reference.tokenizer.ByteTokenizer;
import prefdyn.reference.tokenizer.Tokenizer;

class PairEncoderTest {

    private static final Tokenizer BYTES = ByteTokenizer.asTokenizer();
    private static final int EOT = ByteTokenizer.END_OF_TEXT;

    private static PairRules trl(PairRules.TruncationMode mode, int maxLength, int maxPrompt, int maxCompletion) {
        return new PairRules(PairRules.Kind.TRL, mode, maxLength, maxPrompt, maxCompletion);
    }

    /** TRL's rules leave a pair that fits alone, apart from the end-of-text appended to each response. */
    @Test
    void trlRulesAppendEndOfTextAndCutNothingThatFits() {
        PairEncoder.Result result = PairEncoder.encode(List.of(new PreferencePair("ab", "cd", "e")), BYTES, 64,
                PairRules.trl());
        PreferenceExample example = result.examples().get(0);
        assertThat(example.prompt()).containsExactly('a', 'b');
        assertThat(example.chosen()).containsExactly('c', 'd', EOT);
        assertThat(example.rejected()).containsExactly('e', EOT);
        assertThat(result.counts()).isEqualTo(new PairEncoder.Counts(1, 1, 0, 0, 0, 0, 0, 0));
    }

    /** keep_start: the responses lose their ends (and end-of-text) to fit max_length; a full prompt drops the pair. */
    @Test
    void keepStartCutsResponseEndsAndDropsAPromptThatFillsMaxLength() {
        PairEncoder.Result result = PairEncoder.encode(List.of(
                        new PreferencePair("abc", "defgh", "ij"),
                        new PreferencePair("abcdef", "x", "y")),
                BYTES, 64, trl(PairRules.TruncationMode.KEEP_START, 6, 0, 0));
        assertThat(result.examples()).hasSize(1);
        PreferenceExample example = result.examples().get(0);
        assertThat(example.prompt()).containsExactly('a', 'b', 'c');
        assertThat(example.chosen()).containsExactly('d', 'e', 'f');
        assertThat(example.rejected()).containsExactly('i', 'j', EOT);
        assertThat(result.counts()).isEqualTo(new PairEncoder.Counts(2, 1, 0, 1, 0, 0, 0, 1));
    }

    /** keep_end: the prompt loses its first tokens so that prompt + the longer response fits. */
    @Test
    void keepEndCutsThePromptStartForTheLongerResponse() {
        PairEncoder.Result result = PairEncoder.encode(List.of(new PreferencePair("abcd", "efg", "h")), BYTES, 64,
                trl(PairRules.TruncationMode.KEEP_END, 6, 0, 0));
        PreferenceExample example = result.examples().get(0);
        assertThat(example.prompt()).containsExactly('c', 'd');
        assertThat(example.chosen()).containsExactly('e', 'f', 'g', EOT);
        assertThat(example.rejected()).containsExactly('h', EOT);
        assertThat(result.counts().promptsTruncated()).isEqualTo(1);
    }

    /** max_prompt_length keeps a prompt's last tokens, max_completion_length a response's first (TRL ≤ 0.19). */
    @Test
    void promptAndCompletionLimitsCutBeforeMaxLength() {
        PairEncoder.Result result = PairEncoder.encode(List.of(new PreferencePair("abcd", "efg", "h")), BYTES, 64,
                trl(PairRules.TruncationMode.KEEP_START, 0, 2, 2));
        PreferenceExample example = result.examples().get(0);
        assertThat(example.prompt()).containsExactly('c', 'd');
        assertThat(example.chosen()).containsExactly('e', 'f');
        assertThat(example.rejected()).containsExactly('h', EOT);
        assertThat(result.counts()).isEqualTo(new PairEncoder.Counts(1, 1, 1, 1, 0, 0, 0, 0));
    }

    /**
     * prefdyn-v1: prompt and responses are cut to T/2 whether or not the pair fits, no end-of-text; a pair whose
     * responses become identical is dropped and counted.
     */
    @Test
    void prefdynV1CutsToHalvesAndCountsPairsMadeIdentical() {
        String common = "x".repeat(ImdbModels.responseBudget(64));
        PairEncoder.Result result = PairEncoder.encode(List.of(
                        new PreferencePair("This film", common + " good", common + " bad"),
                        new PreferencePair("This film", " good", " bad"),
                        new PreferencePair("p".repeat(40), " good", " bad")),
                BYTES, 64, PairRules.prefdynV1());
        assertThat(result.examples()).hasSize(2);
        assertThat(result.examples().get(0).chosen()).containsExactly(BYTES.encode(" good"));
        assertThat(result.examples().get(1).prompt()).hasSize(32);
        assertThat(result.counts()).isEqualTo(new PairEncoder.Counts(3, 2, 1, 0, 0, 1, 0, 0));
    }
}
