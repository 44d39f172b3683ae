package prefdyn.reference.model;

import prefdyn.reference.engine.BackwardSeeds;
import prefdyn.reference.engine.ForwardResult;
import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.util.Parallel;

import static prefdyn.reference.layers.Attention.attentionBackward;
import static prefdyn.reference.layers.Attention.attentionForward;
import static prefdyn.reference.layers.Encoder.encoderBackward;
import static prefdyn.reference.layers.Encoder.encoderForward;
import static prefdyn.reference.layers.Gelu.geluBackward;
import static prefdyn.reference.layers.Gelu.geluForward;
import static prefdyn.reference.layers.LastPosition.lastPositionForward;
import static prefdyn.reference.layers.LayerNorm.layerNormBackward;
import static prefdyn.reference.layers.LayerNorm.layerNormForward;
import static prefdyn.reference.layers.Linear.linearBackward;
import static prefdyn.reference.layers.Linear.linearForward;
import static prefdyn.reference.layers.LmHead.lmHeadBackward;
import static prefdyn.reference.layers.LmHead.lmHeadForward;
import static prefdyn.reference.layers.LogSoftmax.logSoftmaxBackward;
import static prefdyn.reference.layers.LogSoftmax.logSoftmaxForward;
import static prefdyn.reference.layers.Residual.residualBackward;
import static prefdyn.reference.layers.Residual.residualForward;
import static prefdyn.reference.layers.TokenLogProb.predictionStatistics;
import static prefdyn.reference.layers.TokenLogProb.tokenLogProbBackward;
import static prefdyn.reference.layers.TokenLogProb.tokenLogProbForward;

/**
 * The float64 reference GPT-2 (pre-LayerNorm) of {@code docs/architecture.md} ("The model contract"), written as one
 * straight-line forward and its mirror image backward over the layer functions of {@code prefdyn.reference.layers}:
 * <pre>
 *   x₀     = wte[tokens] + wpe                         encoderForward
 *   for each block l:
 *     a    = x + c_proj(attn(c_attn(ln_1(x))))         layerNorm, linear, attention, linear, residual
 *     x    = a + mlp.c_proj(gelu(mlp.c_fc(ln_2(a))))   layerNorm, linear, gelu, linear, residual
 *   h      = ln_f(x)                                   layerNorm
 *   logp   = logSoftmax(h · wteᵀ)                      lmHead (tied), logSoftmax
 *   lp[t]  = logp[t−1, token[t]]                       tokenLogProb
 *   V[t]   = h[t]·v_head + b,  r[t] = h[t]·score        linear with one output (optional heads)
 * </pre>
 * The flat parameter array {@link #parameters()} and gradient array {@link #gradients()} follow
 * {@link ParameterLayout}. Activations of the last forward are kept for {@link #backward}.
 *
 * <p>Work runs on a {@link Parallel} over independent rows or columns only, so results are bit-identical for
 * every thread count.
 */
public final class GptModel {

    private final GptConfig config;
    private final ParameterLayout layout;
    private final double[] params;
    private final double[] grads;
    private final Parallel parallel;
    private Activations saved;

    /** A model with all parameters zero; see {@code GptInitializer} for GPT-2's random initialisation. */
    public GptModel(GptConfig config, Parallel parallel) {
        this.config = config;
        this.layout = new ParameterLayout(config);
        this.params = new double[layout.size()];
        this.grads = new double[layout.size()];
        this.parallel = parallel;
    }

    public GptConfig config() {
        return config;
    }

    public ParameterLayout layout() {
        return layout;
    }

    /** The live flat parameter array [P] (not a copy). */
    public double[] parameters() {
        return params;
    }

    /** The live flat gradient array [P] (not a copy), accumulated into by {@link #backward}. */
    public double[] gradients() {
        return grads;
    }

    /** Everything the forward pass computes that backward needs, for one batch of B × T positions. */
    private static final class Activations {
        final int batchSize;
        final int width;          // T: the longest real length in the batch
        final int paddedWidth;    // W: the batch's row width
        final int[] tokens;       // [B,T]
        final int[] lengths;      // [B]
        final double[] encoded;   // [B,T,C]
        final double[][] blockInput, ln1, ln1Mean, ln1Rstd, qkv, att, attOut, attProj, afterAttention,
                ln2, ln2Mean, ln2Rstd, fc, fcGelu, fcProj;
        final double[] lnfInput, lnf, lnfMean, lnfRstd; // [B,T,C], [B,T,C], [B,T], [B,T]
        final double[] logProbs;  // [B,T,V], or null when the heads did not run
        final double[] tokenLogProbs, entropies, maxProbs; // [B,T]
        final double[] values, rewards;                     // [B,T], or null without the head

        Activations(GptConfig config, int batchSize, int width, int paddedWidth, boolean withHeads) {
            int L = config.numLayers();
            int C = config.channels();
            int H = config.numHeads();
            int N = batchSize * width;
            this.batchSize = batchSize;
            this.width = width;
            this.paddedWidth = paddedWidth;
            this.tokens = new int[N];
            this.lengths = new int[batchSize];
            this.encoded = new double[N * C];
            blockInput = new double[L][];
            ln1 = new double[L][N * C];
            ln1Mean = new double[L][N];
            ln1Rstd = new double[L][N];
            qkv = new double[L][N * 3 * C];
            att = new double[L][batchSize * H * width * width];
            attOut = new double[L][N * C];
            attProj = new double[L][N * C];
            afterAttention = new double[L][N * C];
            ln2 = new double[L][N * C];
            ln2Mean = new double[L][N];
            ln2Rstd = new double[L][N];
            fc = new double[L][N * 4 * C];
            fcGelu = new double[L][N * 4 * C];
            fcProj = new double[L][N * C];
            lnfInput = new double[N * C];
            lnf = new double[N * C];
            lnfMean = new double[N];
            lnfRstd = new double[N];
            // the heads' outputs are only allocated when the heads run (sampling needs the last rows only)
            logProbs = withHeads ? new double[N * config.vocabSize()] : null;
            tokenLogProbs = withHeads ? new double[N] : null;
            entropies = withHeads ? new double[N] : null;
            maxProbs = withHeads ? new double[N] : null;
            values = withHeads && config.valueHead() ? new double[N] : null;
            rewards = withHeads && config.rewardHead() ? new double[N] : null;
        }
    }

    /**
     * Runs the model on a batch and keeps the activations for {@link #backward}. Only the first
     * {@code batch.maxLength()} positions are computed; padding positions of shorter rows are computed but never
     * read by real positions (causal attention, right padding) and their outputs are reported as 0.
     *
     * @throws IllegalArgumentException   for a token outside [0, V) or a sequence longer than the context
     * @throws NonFiniteValueException    if a log-prob, value or reward is NaN or infinite (names the sequence)
     */
    public ForwardResult forward(TokenBatch batch) {
        Activations a = run(batch, true);
        saved = a;
        return packResult(batch, a);
    }

    /**
     * log π(· | sequence b) for the token after each sequence's last real position: row lengths[b]−1 of the
     * log-softmax. The activations kept for {@link #backward} are left as they were.
     *
     * @return [B][V]
     */
    public double[][] nextTokenLogProbs(TokenBatch batch) {
        Activations a = run(batch, false);
        int B = batch.batchSize();
        // Only the last real position of each row is needed: gather those rows of ln_f's output, then the same
        // lmHead and logSoftmax as the full forward (row by row, so the numbers are identical to it).
        double[] lastRows = new double[B * config.channels()];
        lastPositionForward(lastRows, a.lnf, a.lengths, B, a.width, config.channels());
        return nextTokenLogProbsOf(lastRows, B);
    }

    /**
     * The prompt pass of a KV-cached sampling session ({@link KvCachedSession}): the trunk of
     * {@link #nextTokenLogProbs(TokenBatch)} — the same {@code run}, so the same bits — which also stores each
     * block's keys and values at every real position of sequence b in {@code cache} as cached sequence
     * {@code cacheSequences[b]}. Stops before the LM head: the session runs the head once for all the rows it was
     * asked about ({@link #nextTokenLogProbsOf}).
     *
     * @param cacheSequences [B] the cache's sequence index of each batch row
     * @return [B,C] ln_f's output at each sequence's last real position
     */
    double[] promptPass(TokenBatch batch, KvCache cache, int[] cacheSequences) {
        Activations a = run(batch, false);
        int B = batch.batchSize();
        for (int l = 0; l < config.numLayers(); l++) {
            cache.storePrompts(l, a.qkv[l], cacheSequences, a.lengths, B, a.width);
        }
        cache.setLengths(cacheSequences, a.lengths);
        double[] lastRows = new double[B * config.channels()];
        lastPositionForward(lastRows, a.lnf, a.lengths, B, a.width, config.channels());
        return lastRows;
    }

    /**
     * The sampling head: log π(· | prefix) = logSoftmax(lmHead(h)) for B rows h of ln_f's output, each the last
     * position of its prefix.
     *
     * @param lastRows [B,C] ln_f's output at the last position of each prefix
     * @return [B][V]
     * @throws NonFiniteValueException for a NaN or +∞ log-prob (names row b)
     */
    double[][] nextTokenLogProbsOf(double[] lastRows, int B) {
        int C = config.channels();
        int V = config.vocabSize();
        double[] logits = new double[B * V];
        lmHeadForward(parallel, logits, lastRows, params, layout.offset("wte.weight"), B, C, V);
        double[] logProbs = new double[B * V];
        logSoftmaxForward(parallel, logProbs, logits, B, V);
        double[][] rows = new double[B][V];
        for (int b = 0; b < B; b++) {
            for (int v = 0; v < V; v++) {
                double logProb = logProbs[b * V + v];
                if (!Double.isFinite(logProb) && logProb != Double.NEGATIVE_INFINITY) {
                    throw new NonFiniteValueException("non-finite next-token log-prob (" + logProb + ") in sequence "
                            + b + " for token " + v, b);
                }
                rows[b][v] = logProb;
            }
        }
        return rows;
    }

    /** The thread pool of the layer calls, for {@link IncrementalForward}, which makes the same calls. */
    Parallel parallel() {
        return parallel;
    }

    /**
     * The forward pass proper: every activation of the batch in an {@link Activations}; with {@code withHeads}
     * false it stops after the final LayerNorm (no logits, log-probs, values or rewards).
     */
    private Activations run(TokenBatch batch, boolean withHeads) {
        int B = batch.batchSize();
        int T = batch.maxLength();
        int C = config.channels();
        int V = config.vocabSize();
        int H = config.numHeads();
        int N = B * T;
        if (T > config.contextLength()) {
            throw new IllegalArgumentException("a sequence of length " + T + " exceeds the context length "
                    + config.contextLength());
        }
        Activations a = new Activations(config, B, T, batch.width(), withHeads);
        for (int b = 0; b < B; b++) {
            a.lengths[b] = batch.lengths()[b];
            for (int t = 0; t < T; t++) {
                int token = batch.tokens()[b][t];
                if (t < a.lengths[b] && (token < 0 || token >= V)) {
                    throw new IllegalArgumentException("sequence " + b + ", position " + t + ": token id " + token
                            + " outside [0, " + V + ")");
                }
                // Padding positions are fed a valid id so the computation stays finite; nothing real reads them.
                a.tokens[b * T + t] = t < a.lengths[b] ? token : 0;
            }
        }

        encoderForward(a.encoded, a.tokens, params, layout.offset("wte.weight"), layout.offset("wpe.weight"), B, T, C);
        double[] x = a.encoded;
        for (int l = 0; l < config.numLayers(); l++) {
            a.blockInput[l] = x;
            layerNormForward(parallel, a.ln1[l], a.ln1Mean[l], a.ln1Rstd[l], x, params,
                    layout.blockOffset(l, "ln_1.weight"), layout.blockOffset(l, "ln_1.bias"), N, C, GptConfig.LAYER_NORM_EPS);
            linearForward(parallel, a.qkv[l], a.ln1[l], params,
                    layout.blockOffset(l, "attn.c_attn.weight"), layout.blockOffset(l, "attn.c_attn.bias"), N, C, 3 * C);
            attentionForward(parallel, a.attOut[l], a.att[l], a.qkv[l], B, T, C, H);
            linearForward(parallel, a.attProj[l], a.attOut[l], params,
                    layout.blockOffset(l, "attn.c_proj.weight"), layout.blockOffset(l, "attn.c_proj.bias"), N, C, C);
            residualForward(a.afterAttention[l], x, a.attProj[l], N * C);
            layerNormForward(parallel, a.ln2[l], a.ln2Mean[l], a.ln2Rstd[l], a.afterAttention[l], params,
                    layout.blockOffset(l, "ln_2.weight"), layout.blockOffset(l, "ln_2.bias"), N, C, GptConfig.LAYER_NORM_EPS);
            linearForward(parallel, a.fc[l], a.ln2[l], params,
                    layout.blockOffset(l, "mlp.c_fc.weight"), layout.blockOffset(l, "mlp.c_fc.bias"), N, C, 4 * C);
            geluForward(parallel, a.fcGelu[l], a.fc[l], N * 4 * C);
            linearForward(parallel, a.fcProj[l], a.fcGelu[l], params,
                    layout.blockOffset(l, "mlp.c_proj.weight"), layout.blockOffset(l, "mlp.c_proj.bias"), N, 4 * C, C);
            double[] blockOutput = l == config.numLayers() - 1 ? a.lnfInput : new double[N * C];
            residualForward(blockOutput, a.afterAttention[l], a.fcProj[l], N * C);
            x = blockOutput;
        }
        layerNormForward(parallel, a.lnf, a.lnfMean, a.lnfRstd, a.lnfInput, params,
                layout.offset("ln_f.weight"), layout.offset("ln_f.bias"), N, C, GptConfig.LAYER_NORM_EPS);
        if (!withHeads) {
            return a;
        }
        double[] logits = new double[N * V];
        lmHeadForward(parallel, logits, a.lnf, params, layout.offset("wte.weight"), N, C, V);
        logSoftmaxForward(parallel, a.logProbs, logits, N, V);

        tokenLogProbForward(a.tokenLogProbs, a.logProbs, a.tokens, a.lengths, B, T, V);
        predictionStatistics(a.entropies, a.maxProbs, a.logProbs, a.lengths, B, T, V);
        if (config.valueHead()) {
            linearForward(parallel, a.values, a.lnf, params, layout.offset("v_head.summary.weight"),
                    layout.offset("v_head.summary.bias"), N, C, 1);
        }
        if (config.rewardHead()) {
            linearForward(parallel, a.rewards, a.lnf, params, layout.offset("score.weight"), -1, N, C, 1);
        }
        return a;
    }

    /**
     * Accumulates ∂L/∂θ into {@link #gradients()} for the batch of the most recent {@link #forward}, given the
     * per-token upstream gradients. Every step below is the exact mirror of a forward line, in reverse order.
     *
     * @throws IllegalStateException     without a preceding forward
     * @throws IllegalArgumentException  for seeds of the wrong shape, or non-zero seeds on padding or position 0
     */
    public void backward(BackwardSeeds seeds) {
        Activations a = saved;
        if (a == null) {
            throw new IllegalStateException("backward needs a forward pass first");
        }
        int B = a.batchSize;
        int T = a.width;
        int C = config.channels();
        int V = config.vocabSize();
        int H = config.numHeads();
        int N = B * T;

        double[] dTokenLogProbs = unpackSeeds("tokenLogProbs", seeds.tokenLogProbs(), a, true);
        double[] dValues = unpackSeeds("values", seeds.values(), a, false);
        double[] dRewards = unpackSeeds("rewards", seeds.rewards(), a, false);
        if (dValues != null && !config.valueHead()) {
            throw new IllegalArgumentException("value seeds given, but the model has no value head");
        }
        if (dRewards != null && !config.rewardHead()) {
            throw new IllegalArgumentException("reward seeds given, but the model has no reward head");
        }

        double[] dlnf = new double[N * C];
        if (dTokenLogProbs != null) {
            double[] dlogProbs = new double[N * V];
            tokenLogProbBackward(dlogProbs, dTokenLogProbs, a.tokens, a.lengths, B, T, V);
            double[] dlogits = new double[N * V];
            logSoftmaxBackward(parallel, dlogits, dlogProbs, a.logProbs, N, V);
            lmHeadBackward(parallel, dlnf, grads, dlogits, a.lnf, params, layout.offset("wte.weight"), N, C, V);
        }
        if (dValues != null) {
            linearBackward(parallel, dlnf, grads, dValues, a.lnf, params, layout.offset("v_head.summary.weight"),
                    layout.offset("v_head.summary.bias"), N, C, 1);
        }
        if (dRewards != null) {
            linearBackward(parallel, dlnf, grads, dRewards, a.lnf, params, layout.offset("score.weight"), -1, N, C, 1);
        }
        double[] dx = new double[N * C];
        layerNormBackward(parallel, dx, grads, dlnf, a.lnfInput, params,
                layout.offset("ln_f.weight"), layout.offset("ln_f.bias"), a.lnfMean, a.lnfRstd, N, C);

        for (int l = config.numLayers() - 1; l >= 0; l--) {
            // x = afterAttention + fcProj
            double[] dAfterAttention = new double[N * C];
            double[] dfcProj = new double[N * C];
            residualBackward(dAfterAttention, dfcProj, dx, N * C);
            double[] dfcGelu = new double[N * 4 * C];
            linearBackward(parallel, dfcGelu, grads, dfcProj, a.fcGelu[l], params,
                    layout.blockOffset(l, "mlp.c_proj.weight"), layout.blockOffset(l, "mlp.c_proj.bias"), N, 4 * C, C);
            double[] dfc = new double[N * 4 * C];
            geluBackward(parallel, dfc, a.fc[l], dfcGelu, N * 4 * C);
            double[] dln2 = new double[N * C];
            linearBackward(parallel, dln2, grads, dfc, a.ln2[l], params,
                    layout.blockOffset(l, "mlp.c_fc.weight"), layout.blockOffset(l, "mlp.c_fc.bias"), N, C, 4 * C);
            layerNormBackward(parallel, dAfterAttention, grads, dln2, a.afterAttention[l], params,
                    layout.blockOffset(l, "ln_2.weight"), layout.blockOffset(l, "ln_2.bias"), a.ln2Mean[l], a.ln2Rstd[l], N, C);
            // afterAttention = blockInput + attProj
            double[] dBlockInput = new double[N * C];
            double[] dattProj = new double[N * C];
            residualBackward(dBlockInput, dattProj, dAfterAttention, N * C);
            double[] dattOut = new double[N * C];
            linearBackward(parallel, dattOut, grads, dattProj, a.attOut[l], params,
                    layout.blockOffset(l, "attn.c_proj.weight"), layout.blockOffset(l, "attn.c_proj.bias"), N, C, C);
            double[] dqkv = new double[N * 3 * C];
            attentionBackward(parallel, dqkv, dattOut, a.qkv[l], a.att[l], B, T, C, H);
            double[] dln1 = new double[N * C];
            linearBackward(parallel, dln1, grads, dqkv, a.ln1[l], params,
                    layout.blockOffset(l, "attn.c_attn.weight"), layout.blockOffset(l, "attn.c_attn.bias"), N, C, 3 * C);
            layerNormBackward(parallel, dBlockInput, grads, dln1, a.blockInput[l], params,
                    layout.blockOffset(l, "ln_1.weight"), layout.blockOffset(l, "ln_1.bias"), a.ln1Mean[l], a.ln1Rstd[l], N, C);
            dx = dBlockInput;
        }
        encoderBackward(grads, layout.offset("wte.weight"), layout.offset("wpe.weight"), dx, a.tokens, B, T, C);
    }

    /** Sets the whole gradient to 0. */
    public void zeroGradients() {
        java.util.Arrays.fill(grads, 0.0);
    }

    /**
     * The first tensor (by layout order) whose gradient holds a NaN or infinity, or null when all are finite.
     */
    public String firstNonFiniteGradientTensor() {
        for (TensorView view : layout.tensors()) {
            for (int i = view.offset(); i < view.end(); i++) {
                if (!Double.isFinite(grads[i])) {
                    return view.name();
                }
            }
        }
        return null;
    }

    private ForwardResult packResult(TokenBatch batch, Activations a) {
        double[] tokenLogProbs = a.tokenLogProbs;
        double[] entropies = a.entropies;
        double[] maxProbs = a.maxProbs;
        double[] values = a.values;
        double[] rewards = a.rewards;
        int B = a.batchSize;
        int T = a.width;
        int W = a.paddedWidth;
        double[][] tokenLogProbRows = new double[B][W];
        double[][] entropyRows = new double[B][W];
        double[][] maxProbRows = new double[B][W];
        double[][] valueRows = values == null ? null : new double[B][W];
        double[][] rewardRows = rewards == null ? null : new double[B][W];
        double[] sequenceLogProbs = new double[B];
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < a.lengths[b]; t++) {
                int n = b * T + t;
                tokenLogProbRows[b][t] = tokenLogProbs[n];
                entropyRows[b][t] = entropies[n];
                maxProbRows[b][t] = maxProbs[n];
                if (valueRows != null) {
                    valueRows[b][t] = values[n];
                }
                if (rewardRows != null) {
                    rewardRows[b][t] = rewards[n];
                }
                if (batch.responseMask()[b][t]) {
                    sequenceLogProbs[b] += tokenLogProbs[n];
                }
                requireFinite("log-prob", tokenLogProbs[n], b, t);
                if (valueRows != null) {
                    requireFinite("value", values[n], b, t);
                }
                if (rewardRows != null) {
                    requireFinite("reward score", rewards[n], b, t);
                }
            }
        }
        return new ForwardResult(tokenLogProbRows, sequenceLogProbs, entropyRows, maxProbRows, valueRows, rewardRows);
    }

    private static void requireFinite(String quantity, double value, int sequence, int position) {
        if (!Double.isFinite(value)) {
            throw new NonFiniteValueException("non-finite " + quantity + " (" + value + ") in sequence " + sequence
                    + " at position " + position, sequence);
        }
    }

    /** Copies [B][W] seeds into the model's [B,T] layout, rejecting seeds where no output exists. */
    private static double[] unpackSeeds(String name, double[][] rows, Activations a, boolean logProbs) {
        if (rows == null) {
            return null;
        }
        int B = a.batchSize;
        int T = a.width;
        if (rows.length != B) {
            throw new IllegalArgumentException(name + " seeds: expected " + B + " rows, got " + rows.length);
        }
        double[] flat = new double[B * T];
        for (int b = 0; b < B; b++) {
            if (rows[b].length != a.paddedWidth) {
                throw new IllegalArgumentException(name + " seeds, sequence " + b + ": expected width " + a.paddedWidth
                        + ", got " + rows[b].length);
            }
            for (int t = 0; t < a.paddedWidth; t++) {
                double seed = rows[b][t];
                boolean hasOutput = t < a.lengths[b] && (!logProbs || t >= 1);
                if (!hasOutput) {
                    if (seed != 0.0) {
                        throw new IllegalArgumentException(name + " seeds, sequence " + b + ", position " + t
                                + ": non-zero seed " + seed + " where the model has no output "
                                + (t >= a.lengths[b] ? "(padding)" : "(position 0 has no log-prob)"));
                    }
                    continue;
                }
                if (!Double.isFinite(seed)) {
                    throw new NonFiniteValueException(name + " seed is " + seed + " in sequence " + b
                            + " at position " + t, b);
                }
                flat[b * T + t] = seed;
            }
        }
        return flat;
    }
}
