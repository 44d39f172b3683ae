package prefdyn.reference.data;

import org.junit.jupiter.api.Test;
import prefdyn.reference.engine.TokenBatch;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SequenceBatchesTest {

    /** Known answer in the spirit of TRL's collator test: ids, lengths and masks spelled out by hand. */
    @Test
    void laysOutPromptThenResponseRightPadded() {
        TokenBatch batch = SequenceBatches.of(List.of(
                new PromptResponse(new int[] {1, 2}, new int[] {3}),
                new PromptResponse(new int[] {4}, new int[] {5, 6, 7})), 8);

        assertThat(batch.tokens()[0]).containsExactly(1, 2, 3, TokenBatch.PADDING_ID);
        assertThat(batch.tokens()[1]).containsExactly(4, 5, 6, 7);
        assertThat(batch.lengths()).containsExactly(3, 4);
        assertThat(batch.responseMask()[0]).containsExactly(false, false, true, false);
        assertThat(batch.responseMask()[1]).containsExactly(false, true, true, true);
    }

    @Test
    void refusesEmptyPartsAndOverlongRows() {
        assertThatThrownBy(() -> new PromptResponse(new int[] {1}, new int[0])).hasMessageContaining("empty response");
        assertThatThrownBy(() -> new PromptResponse(new int[0], new int[] {1})).hasMessageContaining("prompt");
        assertThatThrownBy(() -> SequenceBatches.of(List.of(new PromptResponse(new int[] {1, 2}, new int[] {3, 4})), 3))
                .hasMessageContaining("sequence 0").hasMessageContaining("context length 3");
    }

    @Test
    void truncationKeepsThePromptAndTheStartOfTheResponse() {
        PromptResponse cut = SequenceBatches.truncateResponse(new PromptResponse(new int[] {1, 2}, new int[] {3, 4, 5}), 4);
        assertThat(cut.response()).containsExactly(3, 4);
        assertThatThrownBy(() -> SequenceBatches.truncateResponse(new PromptResponse(new int[] {1, 2, 3}, new int[] {4}), 3))
                .hasMessageContaining("no room");
    }
}
