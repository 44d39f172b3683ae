package prefdyn.reference.engine;

/**
 * Autoregressive sampling from a {@link PolicyEngine}, one token at a time, for a fixed list of prompts
 * ({@link PolicyEngine#startSampling}). Row i is prompt i followed by the tokens appended to it so far; the
 * session answers log π(· | row i) for the rows still being sampled, and the caller appends the token it drew.
 *
 * <p>Protocol: once a row has been asked for ({@link #nextTokenLogProbs}), exactly one token must be appended
 * to it ({@link #append}) before it is asked for again; a row is never appended to before it has been asked for.
 * (A session may then keep per-row state, such as a KV cache, that advances one position per step.) Rows that
 * are done are simply not asked for any more.
 *
 * <p>Implementations differ only in how much they recompute, never in the result: {@link RecomputingSession}
 * (the default) runs {@link PolicyEngine#nextTokenLogProbs} over the whole prefix of each row at every step; the
 * reference's {@code KvCachedSession} keeps each block's keys and values and runs one new position per row,
 * giving the same bits.
 */
public interface SamplingSession {

    /** The number of rows: the prompts the session started with. */
    int rows();

    /** The number of tokens of {@code row} so far: its prompt plus the tokens appended. */
    int length(int row);

    /**
     * log π(· | tokens of row rows[k]) for each listed row: the distribution of the token that comes next.
     *
     * @param rows [R] distinct row indices, each waiting to be asked for (see the class comment)
     * @return [R][V] log-probabilities, each row normalised; row k belongs to rows[k]
     */
    double[][] nextTokenLogProbs(int[] rows);

    /** Appends {@code token} to {@code row}, which was asked for last step and has had no token since. */
    void append(int row, int token);
}
