package prefdyn.reference.model;

import prefdyn.reference.engine.BackwardSeeds;

/**
 * The floating-point operations of {@link GptModel}'s passes and of its layers' calls, so that a measured time
 * can be stated as GFLOP/s. A multiply-add is 2 FLOPs. LayerNorm, GELU, softmax, the residual adds, the biases,
 * the embedding lookup and AdamW are O(C) or O(V) per position and are left out. The result is the useful matrix
 * work, not a hardware counter. Every benchmark of the project uses this class: {@code prefdyn bench} (the
 * {@code cli} module), the JMH tables of the {@code bench} module and {@code ForwardBackwardBenchmark}. Each
 * counts the reference and the twin the same way, so their GFLOP/s compare as their times do.
 *
 * <h2>A whole pass, per position</h2>
 * <pre>
 *   N         = L·12·C²  +  V·C  +  C·[value head]  +  C·[reward head]     the matrix parameters
 *   forward   = 2·N + 2·L·C·W     FLOPs per position                       W = the positions the batch computes
 *   backward  = 2 × forward       (the input and the weight gradient)          (its longest sequence)
 *   training  = 6·N + 6·L·C·W     per position
 * </pre>
 * <ul>
 *   <li><b>6·N</b> is llm.c's convention ({@code gpt2_estimate_mfu} in {@code train_gpt2.cu}: {@code
 *       flops_per_token = 6 * N + 6 * L * C * T}). Each matrix parameter is used once per position in a
 *       multiply-add forward (2 FLOPs) and twice backward, once for the input gradient and once for the weight
 *       gradient (4 FLOPs). llm.c's N is every parameter (biases, LayerNorm, wpe too). Here N is only the
 *       matrices: per block c_attn C×3C, attn.c_proj C×C, mlp.c_fc C×4C and mlp.c_proj 4C×C (12·C²), the tied LM
 *       head V×C, and the value head ({@code v_head.summary}) and reward head ({@code score}), C×1 each, when
 *       the config has them. The step computes the heads it has, so they are counted.</li>
 *   <li><b>6·L·C·W</b> is llm.c's attention term. It is evaluated at the positions the batch actually computes (W,
 *       its longest sequence), not at the context length T. Per layer, a query position and a key position
 *       cost 4·C FLOPs forward (the score q·k and the weighted value) and 8·C backward. Causal attention sees about
 *       W/2 keys per query, so this is 12·C·W/2 per position. The exact count is 6·C·(W+1), which
 *       {@link #attentionForward} and {@link #attentionBackward} use for one call. PaLM's 12·L·C·T (appendix B)
 *       counts every key, without the causal mask.</li>
 * </ul>
 * The forward and backward are counted separately ({@link #forward}, {@link #backward}), for what the step
 * computes. The forward always runs the LM head and every head the config has. The backward runs the LM head
 * only when the seeds hold token log-prob coefficients, and a value or reward head only when the seeds hold its
 * coefficients. A critic seeded on its values alone skips the LM head, for one. {@link #trainingPerPosition} is
 * the closed form when every output is seeded.
 *
 * <h2>How this differs from the counts it replaces</h2>
 * This class replaces three older counts.
 * <ul>
 *   <li>The JMH tables ({@code bench/…/FlopCount}) and {@code ForwardBackwardBenchmark} used 6·M + 6·L·C·T with
 *       M = L·12·C² + V·C. They left out the value and reward heads altogether, and they used the context
 *       length T where this class uses W (the same number in those benchmarks, which run full-context batches).
 *       Their models have a value head and seed token log-probs only, so this class adds the value head's
 *       forward, 2·C per token: 737,792 FLOPs per token for the tiny default where they gave 737,664, and
 *       2,655,232 for the 4x config where they gave 2,654,976 (+0.02% and +0.01%).</li>
 *   <li>{@code prefdyn bench} ({@code cli/…/StepFlops}) already counted the heads and the width W, in
 *       {@code double}. It counted the backward of a value or reward head (4·C per position) in every backward,
 *       seeded or not; this class counts it only when the seeds hold that head's coefficients. The seeded-init
 *       model that {@code prefdyn bench} runs by default has no value or reward head, so its figures are
 *       unchanged.</li>
 * </ul>
 *
 * <h2>One call of one layer</h2>
 * {@link #matmulForward}, {@link #matmulBackward}, {@link #attentionForward} and {@link #attentionBackward} count
 * one call exactly, so a benchmark of that call can be stated in GFLOP/s. Summed over the model's products they
 * give the 6·N term above. Attention's exact count is (W+1)/W times the closed form.
 */
public final class FlopCount {

    private FlopCount() {
    }

    // ---- parameters ------------------------------------------------------------------------------------------

    /** N = L·12·C² + V·C + C per value or reward head: every matrix parameter of the config. */
    public static long matrixParameters(GptConfig config) {
        return blockMatrixParameters(config) + lmHeadParameters(config) + scalarHeadParameters(config);
    }

    /** The matrix parameters of the blocks alone: L·12·C² (c_attn C·3C, c_proj C·C, c_fc C·4C, mlp.c_proj 4C·C). */
    public static long blockMatrixParameters(GptConfig config) {
        long C = config.channels();
        return config.numLayers() * 12L * C * C;
    }

    /** The tied LM head, wte: V·C. */
    public static long lmHeadParameters(GptConfig config) {
        return (long) config.vocabSize() * config.channels();
    }

    /** The value head and the reward head, C·1 each, for the ones the config has. */
    public static long scalarHeadParameters(GptConfig config) {
        return (long) ((config.valueHead() ? 1 : 0) + (config.rewardHead() ? 1 : 0)) * config.channels();
    }

    // ---- whole passes -----------------------------------------------------------------------------------------

    /** 2·L·C·W: causal attention's forward FLOPs per position, in a batch that computes W positions. */
    public static long attentionForwardPerPosition(GptConfig config, int width) {
        return 2L * config.numLayers() * config.channels() * width;
    }

    /** Forward FLOPs per position: 2·N + 2·L·C·W. */
    public static long forwardPerPosition(GptConfig config, int width) {
        return 2 * matrixParameters(config) + attentionForwardPerPosition(config, width);
    }

    /**
     * Forward + backward FLOPs per position when the backward is seeded on every output of the config:
     * 6·N + 6·L·C·W.
     */
    public static long trainingPerPosition(GptConfig config, int width) {
        return 3 * forwardPerPosition(config, width);
    }

    /** A forward of {@code rows} sequences computed to W positions: rows·W·(2·N + 2·L·C·W). */
    public static long forward(GptConfig config, int rows, int width) {
        return (long) rows * width * forwardPerPosition(config, width);
    }

    /**
     * The backward of a forward of {@code rows} sequences and W positions: twice the forward of each part it
     * runs. The blocks and attention always run: 4·L·12·C² + 4·L·C·W per position. The LM head adds 4·V·C when
     * {@code seeds} holds token log-prob coefficients. The value head adds 4·C when {@code seeds} holds value
     * coefficients, and the reward head adds 4·C when it holds reward coefficients.
     */
    public static long backward(GptConfig config, int rows, int width, BackwardSeeds seeds) {
        long C = config.channels();
        long perPosition = 4 * blockMatrixParameters(config) + 2 * attentionForwardPerPosition(config, width);
        if (seeds.tokenLogProbs() != null) {
            perPosition += 4 * lmHeadParameters(config);
        }
        if (seeds.values() != null) {
            perPosition += 4 * C;
        }
        if (seeds.rewards() != null) {
            perPosition += 4 * C;
        }
        return (long) rows * width * perPosition;
    }

    /**
     * A sampling pass ({@code nextTokenLogProbs}): every position through the blocks, then the LM head at the
     * last position of each row only, with no value or reward head:
     * rows·W·(2·L·12·C² + 2·L·C·W) + rows·2·V·C. A step of a sampling session is counted as this pass over the
     * whole prefixes (what the recomputing session does), also when the engine reuses earlier positions (the
     * reference's KV cache runs one new position per row), so a rollout counts the same on every engine.
     */
    public static long samplingForward(GptConfig config, int rows, int width) {
        long blocks = (long) rows * width
                * (2 * blockMatrixParameters(config) + attentionForwardPerPosition(config, width));
        return blocks + rows * 2L * lmHeadParameters(config);
    }

    // ---- one call of one layer --------------------------------------------------------------------------------

    /** [rows, in] · [in, out]: one multiply-add per output and input column, 2·rows·in·out. */
    public static long matmulForward(long rows, long in, long out) {
        return 2 * rows * in * out;
    }

    /**
     * The backward of {@link #matmulForward}: the input gradient dout·Wᵀ and the weight gradient inpᵀ·dout, each
     * as much work as the forward, 4·rows·in·out (the bias gradient's rows·out additions are left out).
     */
    public static long matmulBackward(long rows, long in, long out) {
        return 4 * rows * in * out;
    }

    /**
     * Causal attention forward over B sequences of T positions and C channels (all heads): for every query
     * position t and every key position t' ≤ t, a score q·k and a weighted value, 2·C FLOPs each:
     * 4·C·Σ_t (t+1) = 2·B·C·T·(T+1).
     */
    public static long attentionForward(long B, long T, long C) {
        return 2 * B * C * T * (T + 1);
    }

    /**
     * Its backward: for every pair t' ≤ t, the four products of length C of {@code Attention.attentionBackward}
     * (datt = dout·v, dv += att·dout, dq += dpre·k, dk += dpre·q): 4·B·C·T·(T+1).
     */
    public static long attentionBackward(long B, long T, long C) {
        return 4 * B * C * T * (T + 1);
    }
}
