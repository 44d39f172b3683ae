package prefdyn.cli;

import prefdyn.reference.model.GptConfig;

/**
 * The floating-point operations of the model's passes, counted the way llm.c and the PaLM paper (appendix B)
 * count them, so that a benchmark can state GFLOP/s. A multiply-add is 2 FLOPs; elementwise work (LayerNorm,
 * GELU, softmax, residuals, AdamW) is left out, so this is the useful matrix work, not a hardware counter.
 * <pre>
 *   N         = L·12·C²  +  V·C  +  C·(value head) + C·(reward head)      the matrix parameters: c_attn C·3C,
 *                                                                       c_proj C·C, c_fc C·4C, mlp.c_proj 4C·C
 *                                                                       per block, the tied LM head V·C
 *   forward   = 2·N + 2·L·C·W   FLOPs per position                      W = the positions the batch computes
 *   backward  = 2 × forward     (input and weight gradients)             (its longest sequence)
 *   training  = forward + backward = 6·N + 6·L·C·W   per position       llm.c's "6N plus attention"
 * </pre>
 * The attention term: per layer and position, q·kᵀ and att·v each take 2·C FLOPs per key, and causal attention
 * sees on average about W/2 keys, so 2·L·C·W forward. Embedding lookups and biases are not counted.
 *
 * <p>A sampling pass ({@code nextTokenLogProbs}) needs the LM head at each sequence's last position only; it is
 * counted as such ({@link #samplingForward}), whatever the engine computes beyond it. A step of a sampling
 * session is counted as that pass over the whole prefixes (the recomputing session's work), also when the engine
 * reuses earlier positions (the reference's KV cache runs one new position per row). The same count is used for
 * the reference and the twin, so their GFLOP/s compare like their times.
 */
public final class StepFlops {

    private StepFlops() {
    }

    /** N: the matrix parameters whose multiply-adds dominate a pass (see the class comment). */
    public static long matrixParameters(GptConfig config) {
        return blockMatrixParameters(config) + lmHeadParameters(config) + smallHeadParameters(config);
    }

    /** The matrix parameters of the blocks alone: L·12·C². */
    public static long blockMatrixParameters(GptConfig config) {
        long c = config.channels();
        return config.numLayers() * 12L * c * c;
    }

    private static long lmHeadParameters(GptConfig config) {
        return (long) config.vocabSize() * config.channels();
    }

    private static long smallHeadParameters(GptConfig config) {
        return ((config.valueHead() ? 1L : 0L) + (config.rewardHead() ? 1L : 0L)) * config.channels();
    }

    /** 2·L·C·W: causal attention's forward FLOPs per position in a batch that computes W positions. */
    public static double attentionForwardPerPosition(GptConfig config, int width) {
        return 2.0 * config.numLayers() * config.channels() * width;
    }

    /** Forward FLOPs per position: 2·N + 2·L·C·W. */
    public static double forwardPerPosition(GptConfig config, int width) {
        return 2.0 * matrixParameters(config) + attentionForwardPerPosition(config, width);
    }

    /** Forward + backward FLOPs per position: 6·N + 6·L·C·W. */
    public static double trainingPerPosition(GptConfig config, int width) {
        return 3.0 * forwardPerPosition(config, width);
    }

    /** A forward of {@code sequences} rows computed to W positions: sequences·W·(2N + 2LCW). */
    public static double forward(GptConfig config, int sequences, int width) {
        return (double) sequences * width * forwardPerPosition(config, width);
    }

    /**
     * A backward of the last forward (B rows, W positions): twice its forward. Without token log-prob seeds (a
     * critic seeded on its values only) the LM head's backward is skipped, and so it is not counted.
     */
    public static double backward(GptConfig config, int sequences, int width, boolean throughLmHead) {
        double perPosition = 2.0 * forwardPerPosition(config, width);
        if (!throughLmHead) {
            perPosition -= 4.0 * lmHeadParameters(config);
        }
        return (double) sequences * width * perPosition;
    }

    /**
     * A sampling forward: every position through the blocks, the LM head at the last position of each row only
     * (no value or reward head).
     */
    public static double samplingForward(GptConfig config, int sequences, int width) {
        double blocks = (double) sequences * width
                * (2.0 * blockMatrixParameters(config) + attentionForwardPerPosition(config, width));
        return blocks + sequences * 2.0 * lmHeadParameters(config);
    }
}
