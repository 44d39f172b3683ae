package prefdyn.accelerated;

import prefdyn.reference.model.GptConfig;

/**
 * Where every forward activation of one batch lives inside the device's activation arena (llm.c's single
 * activation buffer): the twin of the reference's {@code GptModel.Activations}, as offsets instead of arrays.
 * Per-block tensors get one offset per block.
 */
final class ActivationLayout {

    final int base;                  // first float of this layout in the arena
    final int batchSize;             // B
    final int width;                 // T: the longest real length of the batch
    final int encoded;               // [B,T,C]
    final int[] ln1, ln1Mean, ln1Rstd, qkv, att, attOut, attProj, afterAttention,
            ln2, ln2Mean, ln2Rstd, fc, fcGelu, fcProj, blockOutput;   // per block l
    final int lnf, lnfMean, lnfRstd; // [B,T,C], [B,T], [B,T]
    /** True for a training forward: the heads run at every position. False for a sampling pass. */
    final boolean withHeads;
    /** Sampling only, else −1: each sequence's row of ln_f at its last real position, [B,C]. */
    final int lastPositions;
    final int logits, logProbs;      // [B,T,V] with heads; [B,V] (last positions only) when sampling
    /** The five per-token outputs, contiguous so one copy brings them to the host: [5, B, T]; −1 when sampling. */
    final int outputs;
    final int tokenLogProbs, entropies, maxProbs, values, rewards; // [B,T] each, inside outputs; −1 when sampling
    final int end;                   // one past the last float

    /** The layout of a training forward: every activation, the heads at every position. */
    ActivationLayout(GptConfig config, int batchSize, int width, int base) {
        this(config, batchSize, width, base, true);
    }

    /**
     * @param withHeads true for a training forward; false for a sampling pass, which keeps the blocks' activations
     *                  but computes the LM head and the log-softmax at each sequence's last position only (the
     *                  twin of {@code GptModel.nextTokenLogProbs})
     */
    ActivationLayout(GptConfig config, int batchSize, int width, int base, boolean withHeads) {
        int L = config.numLayers();
        int C = config.channels();
        int H = config.numHeads();
        int V = config.vocabSize();
        int N = batchSize * width;
        this.base = base;
        this.batchSize = batchSize;
        this.width = width;
        Offsets next = new Offsets(base);
        encoded = next.take(N * C);
        ln1 = new int[L];
        ln1Mean = new int[L];
        ln1Rstd = new int[L];
        qkv = new int[L];
        att = new int[L];
        attOut = new int[L];
        attProj = new int[L];
        afterAttention = new int[L];
        ln2 = new int[L];
        ln2Mean = new int[L];
        ln2Rstd = new int[L];
        fc = new int[L];
        fcGelu = new int[L];
        fcProj = new int[L];
        blockOutput = new int[L];
        for (int l = 0; l < L; l++) {
            ln1[l] = next.take(N * C);
            ln1Mean[l] = next.take(N);
            ln1Rstd[l] = next.take(N);
            qkv[l] = next.take(N * 3 * C);
            att[l] = next.take(batchSize * H * width * width);
            attOut[l] = next.take(N * C);
            attProj[l] = next.take(N * C);
            afterAttention[l] = next.take(N * C);
            ln2[l] = next.take(N * C);
            ln2Mean[l] = next.take(N);
            ln2Rstd[l] = next.take(N);
            fc[l] = next.take(N * 4 * C);
            fcGelu[l] = next.take(N * 4 * C);
            fcProj[l] = next.take(N * C);
            blockOutput[l] = next.take(N * C);
        }
        lnf = next.take(N * C);
        lnfMean = next.take(N);
        lnfRstd = next.take(N);
        this.withHeads = withHeads;
        if (withHeads) {
            lastPositions = -1;
            logits = next.take(N * V);
            logProbs = next.take(N * V);
            outputs = next.take(5 * N);
            tokenLogProbs = outputs;
            entropies = outputs + N;
            maxProbs = outputs + 2 * N;
            values = outputs + 3 * N;
            rewards = outputs + 4 * N;
        } else {
            lastPositions = next.take(batchSize * C);
            logits = next.take(batchSize * V);
            logProbs = next.take(batchSize * V);
            outputs = -1;
            tokenLogProbs = -1;
            entropies = -1;
            maxProbs = -1;
            values = -1;
            rewards = -1;
        }
        end = next.position();
    }

    /** N = B·T. */
    int positions() {
        return batchSize * width;
    }

    /** The input of block l: the embedding for l = 0, the previous block's output after that. */
    int blockInput(int l) {
        return l == 0 ? encoded : blockOutput[l - 1];
    }

    /** The input of the final LayerNorm: the last block's output. */
    int lnfInput() {
        return blockOutput[blockOutput.length - 1];
    }

    /** Hands out consecutive ranges of an arena, failing before an offset could overflow an int. */
    static final class Offsets {
        private long position;

        Offsets(int start) {
            this.position = start;
        }

        int take(long size) {
            long start = position;
            position += size;
            if (position > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("the batch needs more than 2³¹ floats of device memory; use smaller "
                        + "batches");
            }
            return (int) start;
        }

        int position() {
            return (int) position;
        }
    }
}
