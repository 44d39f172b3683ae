package prefdyn.accelerated;

import prefdyn.reference.model.GptConfig;

/**
 * Where the backward pass keeps the seeds and every ∂L/∂activation inside the device's gradient arena: the
 * twin of the fresh arrays {@code GptModel.backward} allocates, as offsets. The whole arena is cleared before each
 * backward, because every layer's backward accumulates.
 */
final class GradientLayout {

    /** The three seed rows, contiguous so one copy brings them from the host: [3, B, T]. */
    final int seeds;
    final int dTokenLogProbs, dValues, dRewards; // [B,T] each, inside seeds
    final int dlogProbs, dlogits;                // [B,T,V]
    final int dlnf, dlnfInput;                   // [B,T,C]
    /**
     * Per block. There is no ∂L/∂fcProj or ∂L/∂attProj: the fused residual-and-projection backward reads the residual
     * stream's gradient directly, which is what those would hold.
     */
    final int[] dAfterAttention, dfcGelu, dfc, dln2, dBlockInput, dattOut, dqkv, dln1;
    /** [B,H,T,T] the attention backward's dpre, shared by all blocks (they run one after another). */
    final int attentionScratch;
    final int size;

    GradientLayout(GptConfig config, int batchSize, int width) {
        int L = config.numLayers();
        int C = config.channels();
        int H = config.numHeads();
        int V = config.vocabSize();
        int N = batchSize * width;
        ActivationLayout.Offsets next = new ActivationLayout.Offsets(0);
        seeds = next.take(3 * N);
        dTokenLogProbs = seeds;
        dValues = seeds + N;
        dRewards = seeds + 2 * N;
        dlogProbs = next.take(N * V);
        dlogits = next.take(N * V);
        dlnf = next.take(N * C);
        dlnfInput = next.take(N * C);
        dAfterAttention = new int[L];
        dfcGelu = new int[L];
        dfc = new int[L];
        dln2 = new int[L];
        dBlockInput = new int[L];
        dattOut = new int[L];
        dqkv = new int[L];
        dln1 = new int[L];
        for (int l = 0; l < L; l++) {
            dAfterAttention[l] = next.take(N * C);
            dfcGelu[l] = next.take(N * 4 * C);
            dfc[l] = next.take(N * 4 * C);
            dln2[l] = next.take(N * C);
            dBlockInput[l] = next.take(N * C);
            dattOut[l] = next.take(N * C);
            dqkv[l] = next.take(N * 3 * C);
            dln1[l] = next.take(N * C);
        }
        attentionScratch = next.take((long) batchSize * H * width * width);
        size = next.position();
    }
}
