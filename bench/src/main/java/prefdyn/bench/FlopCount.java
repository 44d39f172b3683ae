package prefdyn.bench;

import prefdyn.reference.model.GptConfig;

/**
 * Floating-point operations (a multiply and an add count as two) of the model's forward and backward, so that a
 * measured time can be stated as GFLOP/s. These are counts of useful arithmetic, not hardware counters.
 *
 * <h2>Per token of a forward + backward pass (llm.c's and PaLM's convention)</h2>
 * <pre>
 *   FLOPs/token = 6 · M + 6 · L · C · T
 * </pre>
 * <ul>
 *   <li>M = {@link #matrixParameters}: the parameters that take part in a matrix product, L·12·C² for the four
 *       matrices of the blocks plus V·C for the tied LM head. Each is used once per token in a multiply-add
 *       forward (2 FLOPs) and twice backward, once for the input gradient and once for the weight gradient
 *       (4 FLOPs): 6 per parameter. llm.c counts all parameters here (biases, LayerNorm, wpe); they take part in
 *       no product, so they are left out, which makes the count about 5% (default) and 3% (4x) lower.</li>
 *   <li>6·L·C·T is attention: per layer, a query position and an earlier (or the same) key position cost
 *       4·C FLOPs forward (the score q·k and the weighted value) and 8·C backward (see
 *       {@link #attentionBackward}); causal attention sees (T+1)/2 key positions per query on average, so
 *       12·C·(T+1)/2 ≈ 6·C·T per token. PaLM's 12·L·C·T counts all T key positions (no causal mask); llm.c's
 *       6·L·C·T is the causal count.</li>
 * </ul>
 * LayerNorm, GELU, softmax, the residual adds and the embedding are O(C) or O(V) per token and not counted.
 *
 * <h2>Per call of one layer</h2>
 * {@link #matmulForward}, {@link #matmulBackward}, {@link #attentionForward} and {@link #attentionBackward} count
 * one call exactly, so a benchmark of that call can be stated in GFLOP/s.
 */
public final class FlopCount {

    private FlopCount() {
    }

    /** M = L·12·C² + V·C: the parameters of the block matrices and of the tied LM head (wte). */
    public static long matrixParameters(GptConfig config) {
        long C = config.channels();
        return config.numLayers() * 12L * C * C + (long) config.vocabSize() * C;
    }

    /** 6·M + 6·L·C·T: FLOPs of one forward + backward pass, per token. */
    public static long perToken(GptConfig config) {
        long attention = 6L * config.numLayers() * config.channels() * config.contextLength();
        return 6 * matrixParameters(config) + attention;
    }

    /** FLOPs of one forward + backward pass over {@code tokens} tokens. */
    public static long perStep(GptConfig config, long tokens) {
        return perToken(config) * tokens;
    }

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
