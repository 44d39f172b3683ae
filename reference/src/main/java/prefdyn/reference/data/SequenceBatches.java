package prefdyn.reference.data;

import prefdyn.reference.engine.TokenBatch;

import java.util.List;

/** Builds right-padded {@link TokenBatch}es from prompt/response sequences. */
public final class SequenceBatches {

    private SequenceBatches() {
    }

    /**
     * Lays the sequences out as rows {@code prompt ++ response}, right-padded with {@link TokenBatch#PADDING_ID} to the longest row;
     * the response positions form the response mask.
     *
     * @param sequences     [B] the rows, in order
     * @param contextLength the model's T; a longer row is an error naming its index (truncate before batching)
     */
    public static TokenBatch of(List<PromptResponse> sequences, int contextLength) {
        if (sequences.isEmpty()) {
            throw new IllegalArgumentException("cannot batch zero sequences");
        }
        int width = 0;
        for (int b = 0; b < sequences.size(); b++) {
            PromptResponse sequence = sequences.get(b);
            if (sequence.length() > contextLength) {
                throw new IllegalArgumentException("sequence " + b + " has " + sequence.length()
                        + " tokens (prompt " + sequence.promptLength() + " + response " + sequence.responseLength()
                        + "), more than the context length " + contextLength);
            }
            width = Math.max(width, sequence.length());
        }
        int[][] tokens = new int[sequences.size()][width];
        int[] lengths = new int[sequences.size()];
        boolean[][] mask = new boolean[sequences.size()][width];
        for (int b = 0; b < sequences.size(); b++) {
            int[] prompt = sequences.get(b).prompt();
            int[] response = sequences.get(b).response();
            java.util.Arrays.fill(tokens[b], TokenBatch.PADDING_ID);
            System.arraycopy(prompt, 0, tokens[b], 0, prompt.length);
            System.arraycopy(response, 0, tokens[b], prompt.length, response.length);
            for (int t = prompt.length; t < prompt.length + response.length; t++) {
                mask[b][t] = true;
            }
            lengths[b] = prompt.length + response.length;
        }
        return new TokenBatch(tokens, lengths, mask);
    }

    /**
     * Fits a sequence into the context by cutting the end of the response (TRL's "keep_start" truncation).
     *
     * @throws IllegalArgumentException when even one response token would not fit after the prompt
     */
    public static PromptResponse truncateResponse(PromptResponse sequence, int contextLength) {
        if (sequence.length() <= contextLength) {
            return sequence;
        }
        int room = contextLength - sequence.promptLength();
        if (room < 1) {
            throw new IllegalArgumentException("the prompt has " + sequence.promptLength()
                    + " tokens, leaving no room for a response in the context length " + contextLength);
        }
        int[] kept = java.util.Arrays.copyOf(sequence.response(), room);
        return new PromptResponse(sequence.prompt(), kept);
    }
}
