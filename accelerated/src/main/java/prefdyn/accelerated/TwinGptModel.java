package prefdyn.accelerated;

import prefdyn.accelerated.kernels.TwinDevice;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.ParameterLayout;

/**
 * The twin of {@code GptModel}'s straight-line forward and mirror-image backward: the same sequence of layer calls
 * in the same order, each a launch on the device over offsets of the activation and gradient arenas instead of
 * Java arrays. Read it side by side with {@code GptModel.run} and {@code GptModel.backward}. One difference: the
 * forward fuses three pairs of calls per block into one launch each (see {@link #forwardToFinalNorm}), and the
 * backward two (each residual's backward with the projection's, {@code FusedLinear.linearResidualBackward}); a
 * comment names the two reference calls at each. The fused launches compute the same numbers as the pairs.
 */
final class TwinGptModel {

    private final GptConfig config;
    private final ParameterLayout layout;
    private final TwinDevice device;

    TwinGptModel(GptConfig config, ParameterLayout layout, TwinDevice device) {
        this.config = config;
        this.layout = layout;
        this.device = device;
    }

    /**
     * The forward pass into the activation arena at {@code a}, for token ids and lengths already on the device at
     * {@code tokens} and {@code lengths} (offsets in the integer buffer): {@link #forwardToFinalNorm}, then the heads
     * at every position.
     */
    void forward(ActivationLayout a, int tokens, int lengths) {
        int B = a.batchSize;
        int T = a.width;
        int C = config.channels();
        int V = config.vocabSize();
        int N = B * T;

        forwardToFinalNorm(a, tokens);
        device.lmHeadForward(a.logits, a.lnf, offset("wte.weight"), N, C, V);
        device.logSoftmaxForward(a.logProbs, a.logits, N, V);

        device.tokenLogProbForward(a.tokenLogProbs, a.logProbs, tokens, lengths, B, T, V);
        device.predictionStatistics(a.entropies, a.maxProbs, a.logProbs, lengths, B, T, V);
        if (config.valueHead()) {
            device.linearForward(a.values, a.lnf, offset("v_head.summary.weight"), offset("v_head.summary.bias"),
                    N, C, 1);
        }
        if (config.rewardHead()) {
            device.linearForward(a.rewards, a.lnf, offset("score.weight"), -1, N, C, 1);
        }
    }

    /**
     * The twin of {@code GptModel.nextTokenLogProbs}: the blocks and ln_f at every position, then the LM head and
     * the log-softmax at each sequence's last real position only, into {@code a.logProbs} [B,V]. {@code a} must be
     * a sampling layout ({@code withHeads} false).
     */
    void nextTokenLogProbs(ActivationLayout a, int tokens, int lengths) {
        if (a.withHeads) {
            throw new IllegalArgumentException("nextTokenLogProbs needs a sampling layout");
        }
        int B = a.batchSize;
        int C = config.channels();
        int V = config.vocabSize();

        forwardToFinalNorm(a, tokens);
        device.lastPositionForward(a.lastPositions, a.lnf, lengths, B, a.width, C);
        device.lmHeadForward(a.logits, a.lastPositions, offset("wte.weight"), B, C, V);
        device.logSoftmaxForward(a.logProbs, a.logits, B, V);
    }

    /**
     * The twin of {@code GptModel.promptPass}: {@link #nextTokenLogProbs} (the same launches, so the same bits),
     * then each block's keys and values at R real positions of the batch into the KV cache
     * ({@code Attention.storeKeysValues}, one launch per block): 8L + 5 launches.
     *
     * @param qkvRows, sequences, positions offsets in the integer buffer of [R] each: the row b·T + t of the
     *                 batch's qkv, its cached sequence, and t
     */
    void promptPass(ActivationLayout a, int tokens, int lengths, TwinKvCache cache, int qkvRows, int sequences,
                    int positions, int R) {
        nextTokenLogProbs(a, tokens, lengths);
        for (int l = 0; l < config.numLayers(); l++) {
            device.storeKeysValues(cache.keys(l), cache.values(l), a.qkv[l], qkvRows, sequences, positions, R,
                    config.channels(), cache.contextLength);
        }
    }

    /**
     * The twin of {@code IncrementalForward.step} followed by {@code GptModel.nextTokenLogProbsOf}: one new position
     * per row through the blocks, its key and value stored in the cache and attended together with the cached
     * ones, then ln_f, the LM head and the log-softmax of those rows, into {@code a.logProbs} [N,V]. Per block the
     * full forward's launches (c_proj, c_fc and mlp.c_proj fused as there) with attention replaced by
     * {@code storeKeysValues} and {@code attendOneQuery}: 8 launches per block, plus the encoder, ln_f, the head and
     * the log-softmax, 8L + 4.
     *
     * @param a         a sampling layout of N rows of width 1 (its {@code att} and {@code lastPositions} unused;
     *                  with width 1, {@code a.lnf} [N,C] is already the last positions)
     * @param weights   [N,H,maxT] scratch in the activation arena: the attention weights of the new rows
     * @param tokens    [N] (ints) each row's new token
     * @param positions [N] (ints) its position: the cache length of its sequence
     * @param sequences [N] (ints) its cached sequence
     * @param qkvRows   [N] (ints) 0..N−1: row n of the step's qkv holds sequence n's new key and value
     */
    void step(ActivationLayout a, int weights, TwinKvCache cache, int tokens, int positions, int sequences,
              int qkvRows) {
        if (a.withHeads || a.width != 1) {
            throw new IllegalArgumentException("a cached step needs a sampling layout of width 1");
        }
        int N = a.batchSize;
        int C = config.channels();
        int H = config.numHeads();
        int V = config.vocabSize();
        int maxT = cache.contextLength;
        double eps = GptConfig.LAYER_NORM_EPS;

        device.encoderForwardAtPositions(a.encoded, tokens, positions, offset("wte.weight"), offset("wpe.weight"),
                N, C);
        for (int l = 0; l < config.numLayers(); l++) {
            int x = a.blockInput(l);
            device.layerNormForward(a.ln1[l], a.ln1Mean[l], a.ln1Rstd[l], x,
                    block(l, "ln_1.weight"), block(l, "ln_1.bias"), N, C, eps);
            device.linearForward(a.qkv[l], a.ln1[l], block(l, "attn.c_attn.weight"), block(l, "attn.c_attn.bias"),
                    N, C, 3 * C);
            device.storeKeysValues(cache.keys(l), cache.values(l), a.qkv[l], qkvRows, sequences, positions, N, C,
                    maxT);
            device.attendOneQuery(a.attOut[l], weights, a.qkv[l], cache.keys(l), cache.values(l), positions,
                    sequences, N, C, H, maxT, C);
            blockAfterAttention(a, l, x, N);
        }
        device.layerNormForward(a.lnf, a.lnfMean, a.lnfRstd, a.lnfInput(), offset("ln_f.weight"),
                offset("ln_f.bias"), N, C, eps);
        device.lmHeadForward(a.logits, a.lnf, offset("wte.weight"), N, C, V);
        device.logSoftmaxForward(a.logProbs, a.logits, N, V);
    }

    /**
     * The encoder, the blocks and ln_f: {@code GptModel.run} up to its {@code withHeads} test. Two pairs of the
     * reference's calls run fused, one launch each ({@code FusedLinear}): c_fc with its GELU, and each projection
     * back into the residual stream (attn.c_proj, mlp.c_proj) with its residual add. They write the same
     * activations as the separate calls, bit for bit, so the backward is unchanged. A block is 7 launches instead
     * of 10.
     */
    private void forwardToFinalNorm(ActivationLayout a, int tokens) {
        int B = a.batchSize;
        int T = a.width;
        int C = config.channels();
        int H = config.numHeads();
        int N = B * T;
        double eps = GptConfig.LAYER_NORM_EPS;

        device.encoderForward(a.encoded, tokens, offset("wte.weight"), offset("wpe.weight"), B, T, C);
        for (int l = 0; l < config.numLayers(); l++) {
            int x = a.blockInput(l);
            device.layerNormForward(a.ln1[l], a.ln1Mean[l], a.ln1Rstd[l], x,
                    block(l, "ln_1.weight"), block(l, "ln_1.bias"), N, C, eps);
            device.linearForward(a.qkv[l], a.ln1[l], block(l, "attn.c_attn.weight"), block(l, "attn.c_attn.bias"),
                    N, C, 3 * C);
            device.attentionForward(a.attOut[l], a.att[l], a.qkv[l], B, T, C, H);
            blockAfterAttention(a, l, x, N);
        }
        device.layerNormForward(a.lnf, a.lnfMean, a.lnfRstd, a.lnfInput(), offset("ln_f.weight"),
                offset("ln_f.bias"), N, C, eps);
    }

    /**
     * The rest of block l once attention has written {@code a.attOut[l]}, on N rows (every position of a forward, or
     * the new position of each row in a cached step): c_proj fused with the residual add, ln_2, c_fc fused with
     * GELU, mlp.c_proj fused with the residual add, into {@code a.blockOutput[l]}. 4 launches.
     *
     * @param x the block's input [N,C] (acts)
     */
    private void blockAfterAttention(ActivationLayout a, int l, int x, int N) {
        int C = config.channels();
        double eps = GptConfig.LAYER_NORM_EPS;
        // linearForward(attProj ← attOut), then residualForward(afterAttention ← x + attProj)
        device.linearResidualForward(a.attProj[l], a.afterAttention[l], a.attOut[l], x,
                block(l, "attn.c_proj.weight"), block(l, "attn.c_proj.bias"), N, C, C);
        device.layerNormForward(a.ln2[l], a.ln2Mean[l], a.ln2Rstd[l], a.afterAttention[l],
                block(l, "ln_2.weight"), block(l, "ln_2.bias"), N, C, eps);
        // linearForward(fc ← ln2), then geluForward(fcGelu ← fc)
        device.linearGeluForward(a.fc[l], a.fcGelu[l], a.ln2[l], block(l, "mlp.c_fc.weight"),
                block(l, "mlp.c_fc.bias"), N, C, 4 * C);
        // linearForward(fcProj ← fcGelu), then residualForward(blockOutput ← afterAttention + fcProj)
        device.linearResidualForward(a.fcProj[l], a.blockOutput[l], a.fcGelu[l], a.afterAttention[l],
                block(l, "mlp.c_proj.weight"), block(l, "mlp.c_proj.bias"), N, 4 * C, C);
    }

    /**
     * Accumulates ∂L/∂θ into the device gradient for the forward at {@code a}, with the seeds already in the
     * gradient arena at {@code g.seeds} (cleared arena otherwise). Each step mirrors a forward line, in reverse.
     *
     * @param hasTokenLogProbs, hasValues, hasRewards which seeds were given (the others are skipped, as in the
     *                          reference)
     */
    void backward(ActivationLayout a, GradientLayout g, int tokens, int lengths, boolean hasTokenLogProbs,
                  boolean hasValues, boolean hasRewards) {
        int B = a.batchSize;
        int T = a.width;
        int C = config.channels();
        int V = config.vocabSize();
        int H = config.numHeads();
        int N = B * T;

        if (hasTokenLogProbs) {
            device.tokenLogProbBackward(g.dlogProbs, g.dTokenLogProbs, tokens, lengths, B, T, V);
            device.logSoftmaxBackward(g.dlogits, g.dlogProbs, a.logProbs, N, V);
            device.lmHeadBackward(g.dlnf, g.dlogits, a.lnf, offset("wte.weight"), N, C, V);
        }
        if (hasValues) {
            device.linearBackward(g.dlnf, g.dValues, a.lnf, offset("v_head.summary.weight"),
                    offset("v_head.summary.bias"), N, C, 1);
        }
        if (hasRewards) {
            device.linearBackward(g.dlnf, g.dRewards, a.lnf, offset("score.weight"), -1, N, C, 1);
        }
        device.layerNormBackward(g.dlnfInput, g.dlnf, a.lnfInput(), offset("ln_f.weight"), offset("ln_f.bias"),
                a.lnfMean, a.lnfRstd, N, C);

        int dx = g.dlnfInput;
        for (int l = config.numLayers() - 1; l >= 0; l--) {
            // x = afterAttention + fcProj: residualBackward, then linearBackward(dfcGelu ← dx), in one launch
            device.linearResidualBackward(g.dfcGelu[l], g.dAfterAttention[l], dx, a.fcGelu[l],
                    block(l, "mlp.c_proj.weight"), block(l, "mlp.c_proj.bias"), N, 4 * C, C);
            device.geluBackward(g.dfc[l], a.fc[l], g.dfcGelu[l], N * 4 * C);
            device.linearBackward(g.dln2[l], g.dfc[l], a.ln2[l], block(l, "mlp.c_fc.weight"),
                    block(l, "mlp.c_fc.bias"), N, C, 4 * C);
            device.layerNormBackward(g.dAfterAttention[l], g.dln2[l], a.afterAttention[l], block(l, "ln_2.weight"),
                    block(l, "ln_2.bias"), a.ln2Mean[l], a.ln2Rstd[l], N, C);
            // afterAttention = blockInput + attProj: residualBackward, then linearBackward(dattOut ← dAfterAttention)
            device.linearResidualBackward(g.dattOut[l], g.dBlockInput[l], g.dAfterAttention[l], a.attOut[l],
                    block(l, "attn.c_proj.weight"), block(l, "attn.c_proj.bias"), N, C, C);
            device.attentionBackward(g.dqkv[l], g.dattOut[l], a.qkv[l], a.att[l], g.attentionScratch, B, T, C, H);
            device.linearBackward(g.dln1[l], g.dqkv[l], a.ln1[l], block(l, "attn.c_attn.weight"),
                    block(l, "attn.c_attn.bias"), N, C, 3 * C);
            device.layerNormBackward(g.dBlockInput[l], g.dln1[l], a.blockInput(l), block(l, "ln_1.weight"),
                    block(l, "ln_1.bias"), a.ln1Mean[l], a.ln1Rstd[l], N, C);
            dx = g.dBlockInput[l];
        }
        device.encoderBackward(offset("wte.weight"), offset("wpe.weight"), dx, tokens, B, T, C);
    }

    private int offset(String name) {
        return layout.offset(name);
    }

    private int block(int l, String name) {
        return layout.blockOffset(l, name);
    }
}
