package prefdyn.reference.engine;

/**
 * A batch of token sequences, right-padded to a common width, with a mask marking the response tokens.
 *
 * <p>Conventions ({@code docs/paper-map.md}, "Sequence log-probability"): position {@code t} of sequence {@code b}
 * holds token {@code tokens[b][t]}; its log-probability {@code log π(tokens[b][t] | tokens[b][0..t-1])} is predicted
 * from position {@code t-1}, so position 0 never has one and can never be a response token. Positions {@code t >=
 * lengths[b]} are padding: the model never reads them for real positions (attention is causal and padding is on the
 * right) and every per-token output there is 0.
 *
 * @param tokens       [B][W] token ids in [0, V); padding positions may hold any valid id (by convention
 *                     {@link #PADDING_ID}, which every vocabulary has)
 * @param lengths      [B] number of real tokens of each sequence, 1 ≤ lengths[b] ≤ W
 * @param responseMask [B][W] true where the token is part of the response (counted in the sequence log-prob)
 */
public record TokenBatch(int[][] tokens, int[] lengths, boolean[][] responseMask) {

    /**
     * The id written at padding positions: 0, a valid id of every tokenizer, and never read for a real position
     * (TRL pads with the tokenizer's pad token, for GPT-2 its end-of-text; the value cannot change a result).
     */
    public static final int PADDING_ID = 0;

    public TokenBatch {
        if (tokens.length != lengths.length || tokens.length != responseMask.length) {
            throw new IllegalArgumentException("tokens, lengths and responseMask must have the same batch size, got "
                    + tokens.length + ", " + lengths.length + ", " + responseMask.length);
        }
        if (tokens.length == 0) {
            throw new IllegalArgumentException("a batch needs at least one sequence");
        }
        int width = tokens[0].length;
        for (int b = 0; b < tokens.length; b++) {
            if (tokens[b].length != width || responseMask[b].length != width) {
                throw new IllegalArgumentException("sequence " + b + ": every row of tokens and responseMask must have width "
                        + width + " (pad on the right), got " + tokens[b].length + " and " + responseMask[b].length);
            }
            if (lengths[b] < 1 || lengths[b] > width) {
                throw new IllegalArgumentException("sequence " + b + ": length " + lengths[b] + " outside [1, " + width + "]");
            }
            if (responseMask[b][0]) {
                throw new IllegalArgumentException("sequence " + b + ": position 0 cannot be a response token "
                        + "(nothing predicts it; start every sequence with at least one prompt token)");
            }
            for (int t = lengths[b]; t < width; t++) {
                if (responseMask[b][t]) {
                    throw new IllegalArgumentException("sequence " + b + ": position " + t
                            + " is padding (length " + lengths[b] + ") but is marked as a response token");
                }
            }
        }
    }

    /** B, the number of sequences. */
    public int batchSize() {
        return tokens.length;
    }

    /** W, the padded width of every row. */
    public int width() {
        return tokens[0].length;
    }

    /** The longest real length in the batch: the model only computes positions below it. */
    public int maxLength() {
        int max = 0;
        for (int length : lengths) {
            max = Math.max(max, length);
        }
        return max;
    }

    /** Number of response tokens of sequence {@code b}. */
    public int responseTokenCount(int b) {
        int count = 0;
        for (boolean response : responseMask[b]) {
            if (response) {
                count++;
            }
        }
        return count;
    }
}
