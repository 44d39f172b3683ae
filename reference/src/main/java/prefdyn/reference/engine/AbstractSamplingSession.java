package prefdyn.reference.engine;

import java.util.Arrays;
import java.util.List;

/**
 * What every {@link SamplingSession} keeps the same way: the rows' tokens so far and the protocol of the interface's
 * class comment (a row asked for gets exactly one token before it is asked for again), enforced here once.
 * Implementations supply only how the log-probs of the asked-for rows are computed ({@link #logProbsOf}).
 */
public abstract class AbstractSamplingSession implements SamplingSession {

    /** [S][length of row s] every row's prompt and the tokens appended to it; a row is replaced when it grows. */
    protected final int[][] sequences;
    private final boolean[] awaitingToken; // [S] asked for, no token appended since

    /** @param prompts [S] the prompts, each non-empty; copied */
    protected AbstractSamplingSession(List<int[]> prompts) {
        this.sequences = new int[prompts.size()][];
        this.awaitingToken = new boolean[prompts.size()];
        for (int s = 0; s < sequences.length; s++) {
            sequences[s] = prompts.get(s).clone();
        }
    }

    @Override
    public final int rows() {
        return sequences.length;
    }

    @Override
    public final int length(int row) {
        return sequences[row].length;
    }

    @Override
    public final double[][] nextTokenLogProbs(int[] rows) {
        if (rows.length == 0) {
            return new double[0][];
        }
        for (int row : rows) {
            if (awaitingToken[row]) {
                throw new IllegalStateException("row " + row + " is asked for twice without a token appended");
            }
            awaitingToken[row] = true;
        }
        return logProbsOf(rows);
    }

    /**
     * log π(· | sequences[rows[k]]) for each listed row, which the caller has checked against the protocol.
     *
     * @param rows [R] distinct, non-empty
     * @return [R][V]
     */
    protected abstract double[][] logProbsOf(int[] rows);

    @Override
    public final void append(int row, int token) {
        if (!awaitingToken[row]) {
            throw new IllegalStateException("row " + row + " gets a token only once after each time it is asked for");
        }
        awaitingToken[row] = false;
        int[] longer = Arrays.copyOf(sequences[row], sequences[row].length + 1);
        longer[sequences[row].length] = token;
        sequences[row] = longer;
    }
}
