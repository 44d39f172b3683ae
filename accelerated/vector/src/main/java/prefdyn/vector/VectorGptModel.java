package prefdyn.vector;

import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.ParameterLayout;
import prefdyn.reference.util.Parallel;

import static prefdyn.vector.layers.Attention.attendOneQuery;
import static prefdyn.vector.layers.Attention.attentionBackward;
import static prefdyn.vector.layers.Attention.attentionForward;
import static prefdyn.vector.layers.Attention.storeKeysValues;
import static prefdyn.vector.layers.Encoder.encoderBackward;
import static prefdyn.vector.layers.Encoder.encoderForward;
import static prefdyn.vector.layers.Encoder.encoderForwardAtPositions;
import static prefdyn.vector.layers.FusedLinear.linearGeluForward;
import static prefdyn.vector.layers.FusedLinear.linearResidualBackward;
import static prefdyn.vector.layers.FusedLinear.linearResidualForward;
import static prefdyn.vector.layers.Gelu.geluBackward;
import static prefdyn.vector.layers.LastPosition.lastPositionForward;
import static prefdyn.vector.layers.LayerNorm.layerNormBackward;
import static prefdyn.vector.layers.LayerNorm.layerNormForward;
import static prefdyn.vector.layers.Linear.linearBackward;
import static prefdyn.vector.layers.Linear.linearForward;
import static prefdyn.vector.layers.LmHead.lmHeadBackward;
import static prefdyn.vector.layers.LmHead.lmHeadForward;
import static prefdyn.vector.layers.LogSoftmax.logSoftmaxBackward;
import static prefdyn.vector.layers.LogSoftmax.logSoftmaxForward;
import static prefdyn.vector.layers.TokenLogProb.predictionStatistics;
import static prefdyn.vector.layers.TokenLogProb.tokenLogProbBackward;
import static prefdyn.vector.layers.TokenLogProb.tokenLogProbForward;

/**
 * The float32 twin of {@code GptModel}'s straight-line forward and mirror-image backward, over the layer methods
 * of {@code prefdyn.vector.layers} (the reference's names and arguments on {@code float[]}). Read it side by side
 * with {@code GptModel.run} and {@code GptModel.backward}; as in the OpenCL twin ({@code TwinGptModel}), three
 * pairs of forward calls per block run as one fused call ({@code FusedLinear}) and each residual's backward with
 * its projection's, computing the same numbers as the separate calls.
 */
final class VectorGptModel {

    private final GptConfig config;
    private final ParameterLayout layout;
    private final Parallel parallel;
    final float[] params;
    final float[] grads;

    VectorGptModel(GptConfig config, Parallel parallel) {
        this.config = config;
        this.layout = new ParameterLayout(config);
        this.parallel = parallel;
        this.params = new float[layout.size()];
        this.grads = new float[layout.size()];
    }

    GptConfig config() {
        return config;
    }

    ParameterLayout layout() {
        return layout;
    }

    /** Every activation of one forward that backward needs, for B × T positions. */
    static final class Activations {
        final int batchSize;
        final int width;            // T
        final int[] tokens;         // [B,T]
        final int[] lengths;        // [B]
        final float[][] blockInput; // [L][B·T·C]
        final float[][] ln1, ln1Mean, ln1Rstd, qkv, att, attOut, attProj, afterAttention, ln2, ln2Mean, ln2Rstd, fc,
                fcGelu, fcProj;
        final float[] lnfInput, lnf, lnfMean, lnfRstd;    // [B,T,C], [B,T,C], [B,T], [B,T]
        float[] logProbs;                                 // [B,T,V], null without the heads
        float[] tokenLogProbs, entropies, maxProbs;       // [B,T]
        float[] values, rewards;                          // [B,T], null without the head

        Activations(GptConfig config, int batchSize, int width) {
            int L = config.numLayers();
            int C = config.channels();
            int H = config.numHeads();
            int N = batchSize * width;
            this.batchSize = batchSize;
            this.width = width;
            tokens = new int[N];
            lengths = new int[batchSize];
            blockInput = new float[L][];
            ln1 = new float[L][N * C];
            ln1Mean = new float[L][N];
            ln1Rstd = new float[L][N];
            qkv = new float[L][N * 3 * C];
            att = new float[L][batchSize * H * width * width];
            attOut = new float[L][N * C];
            attProj = new float[L][N * C];
            afterAttention = new float[L][N * C];
            ln2 = new float[L][N * C];
            ln2Mean = new float[L][N];
            ln2Rstd = new float[L][N];
            fc = new float[L][N * 4 * C];
            fcGelu = new float[L][N * 4 * C];
            fcProj = new float[L][N * C];
            lnfInput = new float[N * C];
            lnf = new float[N * C];
            lnfMean = new float[N];
            lnfRstd = new float[N];
        }
    }

    /**
     * {@code GptModel.run}: the encoder, the blocks and ln_f at every position of the batch, then with
     * {@code withHeads} the LM head, the log-softmax, the token log-probs, their statistics and the value and
     * reward heads. Token ids are checked by the caller.
     */
    Activations run(TokenBatch batch, boolean withHeads) {
        int B = batch.batchSize();
        int T = batch.maxLength();
        int C = config.channels();
        int V = config.vocabSize();
        int H = config.numHeads();
        int N = B * T;
        float eps = (float) GptConfig.LAYER_NORM_EPS;
        Activations a = new Activations(config, B, T);
        for (int b = 0; b < B; b++) {
            a.lengths[b] = batch.lengths()[b];
            for (int t = 0; t < T; t++) {
                a.tokens[b * T + t] = t < a.lengths[b] ? batch.tokens()[b][t] : 0; // padding: any valid id
            }
        }

        float[] x = new float[N * C];
        encoderForward(x, a.tokens, params, offset("wte.weight"), offset("wpe.weight"), B, T, C);
        for (int l = 0; l < config.numLayers(); l++) {
            a.blockInput[l] = x;
            layerNormForward(parallel, a.ln1[l], a.ln1Mean[l], a.ln1Rstd[l], x, params,
                    block(l, "ln_1.weight"), block(l, "ln_1.bias"), N, C, eps);
            linearForward(parallel, a.qkv[l], a.ln1[l], params,
                    block(l, "attn.c_attn.weight"), block(l, "attn.c_attn.bias"), N, C, 3 * C);
            attentionForward(parallel, a.attOut[l], a.att[l], a.qkv[l], B, T, C, H);
            float[] blockOutput = l == config.numLayers() - 1 ? a.lnfInput : new float[N * C];
            blockAfterAttention(a.attOut[l], a.attProj[l], a.afterAttention[l], a.ln2[l], a.ln2Mean[l],
                    a.ln2Rstd[l], a.fc[l], a.fcGelu[l], a.fcProj[l], blockOutput, x, l, N);
            x = blockOutput;
        }
        layerNormForward(parallel, a.lnf, a.lnfMean, a.lnfRstd, a.lnfInput, params,
                offset("ln_f.weight"), offset("ln_f.bias"), N, C, eps);
        if (!withHeads) {
            return a;
        }
        float[] logits = new float[N * V];
        lmHeadForward(parallel, logits, a.lnf, params, offset("wte.weight"), N, C, V);
        a.logProbs = new float[N * V];
        logSoftmaxForward(parallel, a.logProbs, logits, N, V);
        a.tokenLogProbs = new float[N];
        a.entropies = new float[N];
        a.maxProbs = new float[N];
        tokenLogProbForward(a.tokenLogProbs, a.logProbs, a.tokens, a.lengths, B, T, V);
        predictionStatistics(a.entropies, a.maxProbs, a.logProbs, a.lengths, B, T, V);
        if (config.valueHead()) {
            a.values = new float[N];
            linearForward(parallel, a.values, a.lnf, params, offset("v_head.summary.weight"),
                    offset("v_head.summary.bias"), N, C, 1);
        }
        if (config.rewardHead()) {
            a.rewards = new float[N];
            linearForward(parallel, a.rewards, a.lnf, params, offset("score.weight"), -1, N, C, 1);
        }
        return a;
    }

    /**
     * Block l after attention, on N rows: attn.c_proj with the residual add, ln_2, c_fc with GELU, mlp.c_proj
     * with the residual add (the forward and the cached step share it).
     *
     * @param attOut [N,C] attention's output; the other arrays [N,C], [N] or [N,4C] written; x [N,C] the block input
     */
    private void blockAfterAttention(float[] attOut, float[] attProj, float[] afterAttention, float[] ln2,
                                     float[] ln2Mean, float[] ln2Rstd, float[] fc, float[] fcGelu, float[] fcProj,
                                     float[] blockOutput, float[] x, int l, int N) {
        int C = config.channels();
        // linearForward(attProj ← attOut), then residualForward(afterAttention ← x + attProj)
        linearResidualForward(parallel, attProj, afterAttention, attOut, x, params,
                block(l, "attn.c_proj.weight"), block(l, "attn.c_proj.bias"), N, C, C);
        layerNormForward(parallel, ln2, ln2Mean, ln2Rstd, afterAttention, params,
                block(l, "ln_2.weight"), block(l, "ln_2.bias"), N, C, (float) GptConfig.LAYER_NORM_EPS);
        // linearForward(fc ← ln2), then geluForward(fcGelu ← fc)
        linearGeluForward(parallel, fc, fcGelu, ln2, params,
                block(l, "mlp.c_fc.weight"), block(l, "mlp.c_fc.bias"), N, C, 4 * C);
        // linearForward(fcProj ← fcGelu), then residualForward(blockOutput ← afterAttention + fcProj)
        linearResidualForward(parallel, fcProj, blockOutput, fcGelu, afterAttention, params,
                block(l, "mlp.c_proj.weight"), block(l, "mlp.c_proj.bias"), N, 4 * C, C);
    }

    /**
     * {@code GptModel.backward}: accumulates ∂L/∂θ into {@link #grads} for the activations {@code a}, given the
     * seeds [B,T] (null where absent). Each step mirrors a forward line, in reverse.
     */
    void backward(Activations a, float[] dTokenLogProbs, float[] dValues, float[] dRewards) {
        int B = a.batchSize;
        int T = a.width;
        int C = config.channels();
        int V = config.vocabSize();
        int H = config.numHeads();
        int N = B * T;

        float[] dlnf = new float[N * C];
        if (dTokenLogProbs != null) {
            float[] dlogProbs = new float[N * V];
            tokenLogProbBackward(dlogProbs, dTokenLogProbs, a.tokens, a.lengths, B, T, V);
            float[] dlogits = new float[N * V];
            logSoftmaxBackward(parallel, dlogits, dlogProbs, a.logProbs, N, V);
            lmHeadBackward(parallel, dlnf, grads, dlogits, a.lnf, params, offset("wte.weight"), N, C, V);
        }
        if (dValues != null) {
            linearBackward(parallel, dlnf, grads, dValues, a.lnf, params, offset("v_head.summary.weight"),
                    offset("v_head.summary.bias"), N, C, 1);
        }
        if (dRewards != null) {
            linearBackward(parallel, dlnf, grads, dRewards, a.lnf, params, offset("score.weight"), -1, N, C, 1);
        }
        float[] dx = new float[N * C];
        layerNormBackward(parallel, dx, grads, dlnf, a.lnfInput, params, offset("ln_f.weight"),
                offset("ln_f.bias"), a.lnfMean, a.lnfRstd, N, C);

        for (int l = config.numLayers() - 1; l >= 0; l--) {
            // x = afterAttention + fcProj: residualBackward, then linearBackward(dfcGelu ← dx), in one call
            float[] dAfterAttention = new float[N * C];
            float[] dfcGelu = new float[N * 4 * C];
            linearResidualBackward(parallel, dfcGelu, dAfterAttention, grads, dx, a.fcGelu[l], params,
                    block(l, "mlp.c_proj.weight"), block(l, "mlp.c_proj.bias"), N, 4 * C, C);
            float[] dfc = new float[N * 4 * C];
            geluBackward(parallel, dfc, a.fc[l], dfcGelu, N * 4 * C);
            float[] dln2 = new float[N * C];
            linearBackward(parallel, dln2, grads, dfc, a.ln2[l], params,
                    block(l, "mlp.c_fc.weight"), block(l, "mlp.c_fc.bias"), N, C, 4 * C);
            layerNormBackward(parallel, dAfterAttention, grads, dln2, a.afterAttention[l], params,
                    block(l, "ln_2.weight"), block(l, "ln_2.bias"), a.ln2Mean[l], a.ln2Rstd[l], N, C);
            // afterAttention = blockInput + attProj: residualBackward, then linearBackward(dattOut ← ·), in one call
            float[] dBlockInput = new float[N * C];
            float[] dattOut = new float[N * C];
            linearResidualBackward(parallel, dattOut, dBlockInput, grads, dAfterAttention, a.attOut[l], params,
                    block(l, "attn.c_proj.weight"), block(l, "attn.c_proj.bias"), N, C, C);
            float[] dqkv = new float[N * 3 * C];
            attentionBackward(parallel, dqkv, dattOut, a.qkv[l], a.att[l], B, T, C, H);
            float[] dln1 = new float[N * C];
            linearBackward(parallel, dln1, grads, dqkv, a.ln1[l], params,
                    block(l, "attn.c_attn.weight"), block(l, "attn.c_attn.bias"), N, C, 3 * C);
            layerNormBackward(parallel, dBlockInput, grads, dln1, a.blockInput[l], params,
                    block(l, "ln_1.weight"), block(l, "ln_1.bias"), a.ln1Mean[l], a.ln1Rstd[l], N, C);
            dx = dBlockInput;
        }
        encoderBackward(grads, offset("wte.weight"), offset("wpe.weight"), dx, a.tokens, B, T, C);
    }

    /**
     * ln_f's output at each sequence's last real position, after {@link #run} without the heads.
     *
     * @return [B,C]
     */
    float[] lastRows(Activations a) {
        int C = config.channels();
        float[] last = new float[a.batchSize * C];
        lastPositionForward(last, a.lnf, a.lengths, a.batchSize, a.width, C);
        return last;
    }

    /**
     * {@code GptModel.nextTokenLogProbsOf}: logSoftmax(lmHead(h)) of B rows of ln_f's output.
     *
     * @param lastRows [B,C]
     * @return [B,V] log-probs
     */
    float[] headLogProbs(float[] lastRows, int B) {
        int C = config.channels();
        int V = config.vocabSize();
        float[] logits = new float[B * V];
        lmHeadForward(parallel, logits, lastRows, params, offset("wte.weight"), B, C, V);
        float[] logProbs = new float[B * V];
        logSoftmaxForward(parallel, logProbs, logits, B, V);
        return logProbs;
    }

    /**
     * A cached session's prompt pass ({@code GptModel.promptPass}): {@link #run} without the heads, storing each
     * block's keys and values at every real position of row b as cached sequence {@code cacheSequences[b]}.
     *
     * @param keys, values [L][S·maxT·C] the cache
     * @return [B,C] ln_f's output at each row's last real position
     */
    float[] promptPass(TokenBatch batch, float[][] keys, float[][] values, int[] cacheSequences) {
        Activations a = run(batch, false);
        int B = a.batchSize;
        int T = a.width;
        int R = 0;
        for (int length : a.lengths) {
            R += length;
        }
        int[] qkvRows = new int[R];
        int[] sequences = new int[R];
        int[] positions = new int[R];
        int r = 0;
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < a.lengths[b]; t++) {
                qkvRows[r] = b * T + t;
                sequences[r] = cacheSequences[b];
                positions[r] = t;
                r++;
            }
        }
        for (int l = 0; l < config.numLayers(); l++) {
            storeKeysValues(keys[l], values[l], a.qkv[l], qkvRows, sequences, positions, R, config.channels(),
                    config.contextLength());
        }
        return lastRows(a);
    }

    /**
     * One cached sampling step ({@code IncrementalForward.step}): the new token of each of N cached sequences at
     * its position through the blocks, its key and value stored and attended with the cached ones, then ln_f.
     *
     * @param keys, values    [L][S·maxT·C] the cache
     * @param cacheSequences  [N]
     * @param tokens          [N]
     * @param positions       [N] each sequence's cached length
     * @return [N,C] ln_f's output at the new positions
     */
    float[] step(float[][] keys, float[][] values, int[] cacheSequences, int[] tokens, int[] positions) {
        int N = cacheSequences.length;
        int C = config.channels();
        int H = config.numHeads();
        int headSize = C / H;
        int maxT = config.contextLength();
        float eps = (float) GptConfig.LAYER_NORM_EPS;
        int[] qkvRows = new int[N];
        for (int n = 0; n < N; n++) {
            qkvRows[n] = n;
        }
        float[] x = new float[N * C];
        encoderForwardAtPositions(x, tokens, positions, params, offset("wte.weight"), offset("wpe.weight"), N, C);
        for (int l = 0; l < config.numLayers(); l++) {
            float[] ln1 = new float[N * C];
            layerNormForward(parallel, ln1, new float[N], new float[N], x, params,
                    block(l, "ln_1.weight"), block(l, "ln_1.bias"), N, C, eps);
            float[] qkv = new float[N * 3 * C];
            linearForward(parallel, qkv, ln1, params,
                    block(l, "attn.c_attn.weight"), block(l, "attn.c_attn.bias"), N, C, 3 * C);
            storeKeysValues(keys[l], values[l], qkv, qkvRows, cacheSequences, positions, N, C, maxT);
            float[] attOut = new float[N * C];
            float[] weights = new float[N * H * maxT];
            float[] layerKeys = keys[l];
            float[] layerValues = values[l];
            parallel.forEach(N * H, index -> {
                int n = index / H;
                int h = index % H;
                int first = cacheSequences[n] * maxT * C + h * headSize;
                attendOneQuery(attOut, n * C + h * headSize, weights, index * maxT, qkv, n * 3 * C + h * headSize,
                        layerKeys, first, layerValues, first, C, positions[n], headSize);
            });
            float[] blockOutput = new float[N * C];
            blockAfterAttention(attOut, new float[N * C], new float[N * C], new float[N * C], new float[N],
                    new float[N], new float[N * 4 * C], new float[N * 4 * C], new float[N * C], blockOutput, x, l, N);
            x = blockOutput;
        }
        float[] lnf = new float[N * C];
        layerNormForward(parallel, lnf, new float[N], new float[N], x, params, offset("ln_f.weight"),
                offset("ln_f.bias"), N, C, eps);
        return lnf;
    }

    private int offset(String name) {
        return layout.offset(name);
    }

    private int block(int l, String name) {
        return layout.blockOffset(l, name);
    }
}
