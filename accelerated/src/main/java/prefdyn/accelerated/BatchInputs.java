package prefdyn.accelerated;

import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.model.GptConfig;

/**
 * A {@link TokenBatch} checked and flattened exactly as {@code GptModel} does it: only the first T = maxLength
 * positions are computed, padding positions are fed token 0, and the same exceptions with the same messages are
 * thrown for a sequence longer than the context or a token id outside [0, V).
 *
 * @param batchSize   B
 * @param width       T, the longest real length
 * @param paddedWidth W, the batch's row width
 * @param tokens      [B,T] flat, padding replaced by 0
 * @param lengths     [B]
 */
record BatchInputs(int batchSize, int width, int paddedWidth, int[] tokens, int[] lengths) {

    static BatchInputs of(TokenBatch batch, GptConfig config) {
        int B = batch.batchSize();
        int T = batch.maxLength();
        int V = config.vocabSize();
        if (T > config.contextLength()) {
            throw new IllegalArgumentException("a sequence of length " + T + " exceeds the context length "
                    + config.contextLength());
        }
        int[] tokens = new int[B * T];
        int[] lengths = new int[B];
        for (int b = 0; b < B; b++) {
            lengths[b] = batch.lengths()[b];
            for (int t = 0; t < T; t++) {
                int token = batch.tokens()[b][t];
                if (t < lengths[b] && (token < 0 || token >= V)) {
                    throw new IllegalArgumentException("sequence " + b + ", position " + t + ": token id " + token
                            + " outside [0, " + V + ")");
                }
                tokens[b * T + t] = t < lengths[b] ? token : 0;
            }
        }
        return new BatchInputs(B, T, batch.width(), tokens, lengths);
    }

    /** N = B·T. */
    int positions() {
        return batchSize * width;
    }

    /** Ints the device needs: tokens [B,T] then lengths [B]. */
    int intCount() {
        return tokens.length + lengths.length;
    }

    /** Writes tokens then lengths into {@code target} from {@code offset}. */
    void writeTo(int[] target, int offset) {
        System.arraycopy(tokens, 0, target, offset, tokens.length);
        System.arraycopy(lengths, 0, target, offset + tokens.length, lengths.length);
    }
}
