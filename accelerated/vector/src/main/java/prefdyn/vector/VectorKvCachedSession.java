package prefdyn.vector;

import prefdyn.reference.engine.AbstractSamplingSession;
import prefdyn.reference.engine.RecomputingSession;
import prefdyn.reference.model.GptConfig;

import java.util.Arrays;
import java.util.List;

/**
 * The vector engine's KV-cached {@code SamplingSession}, as the reference's {@code KvCachedSession}: a row's
 * first request runs its prompt through the ordinary forward ({@link VectorGptModel#promptPass}), storing every
 * block's keys and values; each later request runs only the newly appended token at its position
 * ({@link VectorGptModel#step}). Every position is computed by the same layer methods, with each output's
 * operations in the same order, as the full forward computes it (the matrix products and row statistics do not
 * depend on how many rows a call has, and attention is {@code attendOneQuery} in both), so the log-probs are
 * this engine's recompute to the bit.
 *
 * <p>The session reads the engine's live parameters: they must not change while it is in use.
 */
final class VectorKvCachedSession extends AbstractSamplingSession {

    private final VectorEngine engine;
    private final VectorGptModel model;
    private final float[][] keys;    // [L][S·maxT·C]
    private final float[][] values;  // [L][S·maxT·C]
    private final int[] cached;      // [S] positions in the cache per row

    /** @param prompts [S] the prompts, each non-empty; copied */
    VectorKvCachedSession(VectorEngine engine, VectorGptModel model, List<int[]> prompts) {
        super(prompts);
        this.engine = engine;
        this.model = model;
        GptConfig config = model.config();
        int size = prompts.size() * config.contextLength() * config.channels();
        this.keys = new float[config.numLayers()][size];
        this.values = new float[config.numLayers()][size];
        this.cached = new int[prompts.size()];
    }

    @Override
    protected double[][] logProbsOf(int[] rows) {
        int[] fresh = Arrays.stream(rows).filter(row -> cached[row] == 0).toArray();
        int[] growing = Arrays.stream(rows).filter(row -> cached[row] > 0).toArray();
        int C = model.config().channels();
        float[] freshRows = null;                                                      // [F,C]
        if (fresh.length > 0) {
            var batch = RecomputingSession.prefixBatch(sequences, fresh);
            engine.checkTokens(batch);
            freshRows = model.promptPass(batch, keys, values, fresh);
            for (int row : fresh) {
                cached[row] = sequences[row].length;
            }
        }
        float[] growingRows = growing.length == 0 ? null : step(growing);              // [G,C]

        float[] lastRows = new float[rows.length * C];                                 // [R,C]
        int f = 0;
        int g = 0;
        for (int k = 0; k < rows.length; k++) {
            if (f < fresh.length && fresh[f] == rows[k]) {
                System.arraycopy(freshRows, f++ * C, lastRows, k * C, C);
            } else {
                System.arraycopy(growingRows, g++ * C, lastRows, k * C, C);
            }
        }
        return engine.logProbRows(model.headLogProbs(lastRows, rows.length), rows.length);
    }

    /** The newest token of each listed row through a cached step; advances the rows' cached lengths. */
    private float[] step(int[] rows) {
        GptConfig config = model.config();
        int[] tokens = new int[rows.length];
        int[] positions = new int[rows.length];
        for (int k = 0; k < rows.length; k++) {
            int[] sequence = sequences[rows[k]];
            tokens[k] = sequence[sequence.length - 1];
            positions[k] = cached[rows[k]];
            if (positions[k] >= config.contextLength()) {
                throw new IllegalArgumentException("a sequence of length " + (positions[k] + 1)
                        + " exceeds the context length " + config.contextLength());
            }
            if (tokens[k] < 0 || tokens[k] >= config.vocabSize()) {
                throw new IllegalArgumentException("sequence " + k + ", position " + positions[k] + ": token id "
                        + tokens[k] + " outside [0, " + config.vocabSize() + ")");
            }
        }
        float[] lnf = model.step(keys, values, rows, tokens, positions);
        for (int row : rows) {
            cached[row]++;
        }
        return lnf;
    }
}
