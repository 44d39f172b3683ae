package prefdyn.accelerated;

import prefdyn.reference.engine.AbstractSamplingSession;
import prefdyn.reference.engine.RecomputingSession;
import prefdyn.reference.engine.SamplingSession;

import java.util.Arrays;
import java.util.List;

/**
 * The twin's {@link SamplingSession}, structured like the reference's {@code model.KvCachedSession}, with its
 * keys and values on the device ({@link TwinKvCache}):
 * <ul>
 *   <li>The first time a row is asked for, its prompt runs through the twin's sampling pass
 *       ({@link AcceleratedEngine#promptPass}: the launches of {@code nextTokenLogProbs} on the batch the
 *       recomputing session would build, {@link RecomputingSession#prefixBatch}), which also stores every block's
 *       keys and values of the prompt on the device.</li>
 *   <li>After that, each step runs only the row's newly appended token, at its own position, through the blocks
 *       ({@link AcceleratedEngine#cachedStep}), attending to the cached keys and values; then the LM head and
 *       log-softmax on those rows.</li>
 * </ul>
 * Unlike the reference, which runs the head once over all asked-for rows, fresh rows and growing rows get the
 * head in their own launches (each pass ends with it); the head is row by row, so the numbers are the same, and a
 * step mixes the two only when rows join late.
 *
 * <p>Float32 and OpenCL: the log-probs match the reference's session within
 * {@code Tolerances.MODEL_NEXT_TOKEN_LOG_PROBS} (oracle-tests {@code TwinKvCacheDifferentialTest}). The session
 * reads the engine's live parameters, which must not change while it is in use, and it owns the engine's KV cache
 * buffer until the engine starts another session; using it after that throws.
 */
final class TwinKvCachedSession extends AbstractSamplingSession {

    private final AcceleratedEngine engine;
    private final TwinKvCache cache;

    /** @param prompts [S] the prompts, each non-empty; copied */
    TwinKvCachedSession(AcceleratedEngine engine, TwinKvCache cache, List<int[]> prompts) {
        super(prompts);
        this.engine = engine;
        this.cache = cache;
    }

    @Override
    protected double[][] logProbsOf(int[] rows) {
        // rows seen for the first time need a prompt pass; the others have one new token each
        int[] fresh = Arrays.stream(rows).filter(row -> cache.length(row) == 0).toArray();
        int[] growing = Arrays.stream(rows).filter(row -> cache.length(row) > 0).toArray();
        double[][] freshRows = fresh.length == 0 ? null                                        // [F][V]
                : engine.promptPass(RecomputingSession.prefixBatch(sequences, fresh), cache, fresh);
        double[][] growingRows = growing.length == 0 ? null                                    // [G][V]
                : engine.cachedStep(cache, growing, lastTokens(growing));

        // in the order asked
        double[][] logProbs = new double[rows.length][];                                       // [R][V]
        int f = 0;
        int g = 0;
        for (int k = 0; k < rows.length; k++) {
            logProbs[k] = f < fresh.length && fresh[f] == rows[k] ? freshRows[f++] : growingRows[g++];
        }
        return logProbs;
    }

    /** [G] the newest token of each listed row: the one the cache has not seen. */
    private int[] lastTokens(int[] rows) {
        int[] tokens = new int[rows.length];
        for (int k = 0; k < rows.length; k++) {
            int[] sequence = sequences[rows[k]];
            tokens[k] = sequence[sequence.length - 1];
        }
        return tokens;
    }
}
