package prefdyn.reference.model;

import prefdyn.reference.engine.AbstractSamplingSession;
import prefdyn.reference.engine.RecomputingSession;
import prefdyn.reference.engine.SamplingSession;

import java.util.Arrays;
import java.util.List;

/**
 * The reference's {@link SamplingSession}: sampling with a {@link KvCache}, bit-identical to the
 * {@link RecomputingSession}.
 * <ul>
 *   <li>The first time a row is asked for, its prompt runs through the model's ordinary forward
 *       ({@link GptModel#promptPass}, on the batch the recomputing session would build,
 *       {@link RecomputingSession#prefixBatch}), which also stores every block's keys and values of the
 *       prompt.</li>
 *   <li>After that, each step runs only the row's newly appended token, at its own position, through the blocks
 *       ({@link IncrementalForward#step}), attending to the cached keys and values.</li>
 *   <li>Either way the LM head and log-softmax then run on the last position's ln_f output of every asked-for
 *       row together ({@link GptModel#nextTokenLogProbsOf}), as {@code nextTokenLogProbs} runs them.</li>
 * </ul>
 * Every position's numbers are computed by the same layer code, in the same order, as in the full forward, so the
 * log-probs are the recompute's to the bit; {@code KvCacheProperties} checks this at every step of random
 * sampling runs, {@code KvCachedSessionTest} on hand-picked ones.
 *
 * <p>The session reads the model's live parameters: they must not change while it is in use.
 */
public final class KvCachedSession extends AbstractSamplingSession {

    private final GptModel model;
    private final KvCache cache;

    /** @param prompts [S] the prompts, each non-empty; copied */
    public KvCachedSession(GptModel model, List<int[]> prompts) {
        super(prompts);
        this.model = model;
        this.cache = new KvCache(model.config(), prompts.size());
    }

    @Override
    protected double[][] logProbsOf(int[] rows) {
        // rows seen for the first time need a prompt pass; the others have one new token each
        int[] fresh = Arrays.stream(rows).filter(row -> cache.length(row) == 0).toArray();
        int[] growing = Arrays.stream(rows).filter(row -> cache.length(row) > 0).toArray();
        double[] freshRows = fresh.length == 0 ? null                                          // [F,C]
                : model.promptPass(RecomputingSession.prefixBatch(sequences, fresh), cache, fresh);
        double[] growingRows = growing.length == 0 ? null                                      // [G,C]
                : IncrementalForward.step(model, cache, growing, lastTokens(growing));

        // ln_f's output at each asked-for row's last position, in the order asked
        int C = model.config().channels();
        double[] lastRows = new double[rows.length * C];                                       // [R,C]
        int f = 0;
        int g = 0;
        for (int k = 0; k < rows.length; k++) {
            if (f < fresh.length && fresh[f] == rows[k]) {
                System.arraycopy(freshRows, f++ * C, lastRows, k * C, C);
            } else {
                System.arraycopy(growingRows, g++ * C, lastRows, k * C, C);
            }
        }
        return model.nextTokenLogProbsOf(lastRows, rows.length);
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
