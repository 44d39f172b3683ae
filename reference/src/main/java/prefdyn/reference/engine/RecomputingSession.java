package prefdyn.reference.engine;


import java.util.Arrays;
import java.util.List;

/**
 * The plain {@link SamplingSession}, and {@link PolicyEngine#startSampling}'s default: every step runs
 * {@link PolicyEngine#nextTokenLogProbs} on a batch of the asked-for rows, each holding its whole prefix (right
 * padded with end-of-text, no response mask). Exact and simple; O(T²) work per sequence, since each step
 * recomputes every earlier position.
 */
public final class RecomputingSession extends AbstractSamplingSession {

    private final PolicyEngine engine;

    /** @param prompts [S] the prompts, each non-empty; copied */
    public RecomputingSession(PolicyEngine engine, List<int[]> prompts) {
        super(prompts);
        this.engine = engine;
    }

    @Override
    protected double[][] logProbsOf(int[] rows) {
        return engine.nextTokenLogProbs(prefixBatch(sequences, rows));
    }

    /**
     * The batch of one step: row k holds {@code sequences[rows[k]]}, right-padded with {@link TokenBatch#PADDING_ID} to the longest
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
            Arrays.fill(tokens[k], TokenBatch.PADDING_ID);
            System.arraycopy(sequence, 0, tokens[k], 0, sequence.length);
            lengths[k] = sequence.length;
        }
        return new TokenBatch(tokens, lengths, mask);
    }
}
