package prefdyn.reference.engine;

import prefdyn.reference.tokenizer.ByteTokenizer;

import java.util.Arrays;
import java.util.List;

/**
 * The plain {@link SamplingSession}, and {@link PolicyEngine#startSampling}'s default: every step runs
 * {@link PolicyEngine#nextTokenLogProbs} on a batch of the asked-for rows, each holding its whole prefix (right
 * padded with end-of-text, no response mask). Exact and simple; O(T²) work per sequence, since each step
 * recomputes every earlier position.
 */
public final class RecomputingSession implements SamplingSession {

    private final PolicyEngine engine;
    private final int[][] sequences;        // [S][length of row s]
    private final boolean[] awaitingToken;  // [S] asked for, no token appended since

    /** @param prompts [S] the prompts, each non-empty; copied */
    public RecomputingSession(PolicyEngine engine, List<int[]> prompts) {
        this.engine = engine;
        this.sequences = new int[prompts.size()][];
        this.awaitingToken = new boolean[prompts.size()];
        for (int s = 0; s < sequences.length; s++) {
            sequences[s] = prompts.get(s).clone();
        }
    }

    @Override
    public int rows() {
        return sequences.length;
    }

    @Override
    public int length(int row) {
        return sequences[row].length;
    }

    @Override
    public double[][] nextTokenLogProbs(int[] rows) {
        if (rows.length == 0) {
            return new double[0][];
        }
        for (int row : rows) {
            if (awaitingToken[row]) {
                throw new IllegalStateException("row " + row + " is asked for twice without a token appended");
            }
            awaitingToken[row] = true;
        }
        return engine.nextTokenLogProbs(prefixBatch(sequences, rows));
    }

    @Override
    public void append(int row, int token) {
        if (!awaitingToken[row]) {
            throw new IllegalStateException("row " + row + " gets a token only once after each time it is asked for");
        }
        awaitingToken[row] = false;
        int[] longer = Arrays.copyOf(sequences[row], sequences[row].length + 1);
        longer[sequences[row].length] = token;
        sequences[row] = longer;
    }

    /**
     * The batch of one step: row k holds {@code sequences[rows[k]]}, right-padded with end-of-text to the longest
     * of them, with no response mask.
     *
     * @param sequences [S][·] token ids of every row
     * @param rows      [R] the rows of the batch
     */
    public static TokenBatch prefixBatch(int[][] sequences, int[] rows) {
        int width = 0;
        for (int row : rows) {
            width = Math.max(width, sequences[row].length);
        }
        int[][] tokens = new int[rows.length][width];
        int[] lengths = new int[rows.length];
        boolean[][] mask = new boolean[rows.length][width];
        for (int k = 0; k < rows.length; k++) {
            int[] sequence = sequences[rows[k]];
            Arrays.fill(tokens[k], ByteTokenizer.END_OF_TEXT);
            System.arraycopy(sequence, 0, tokens[k], 0, sequence.length);
            lengths[k] = sequence.length;
        }
        return new TokenBatch(tokens, lengths, mask);
    }
}
