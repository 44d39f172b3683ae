package prefdyn.reference.model;

/**
 * Shape of a GPT-2-family, pre-LayerNorm language model ({@code docs/architecture.md}, "The model contract").
 *
 * <p>The field names follow Hugging Face's {@code GPT2Config} ({@code vocab_size}, {@code n_positions},
 * {@code n_layer}, {@code n_head}, {@code n_embd}) so that {@code config.json} maps one to one.
 *
 * @param vocabSize      V, the number of token ids (257 for the byte-level tokenizer: 256 bytes + end-of-text)
 * @param contextLength  T, the longest sequence the position embedding covers
 * @param numLayers      L, transformer blocks
 * @param numHeads       H, attention heads; must divide {@code channels}
 * @param channels       C, the residual-stream width
 * @param valueHead      whether the model carries PPO's value head ({@code v_head.summary}, C → 1 per position)
 * @param rewardHead     whether the model carries a reward-model score head ({@code score}, C → 1 per position)
 */
public record GptConfig(int vocabSize, int contextLength, int numLayers, int numHeads, int channels,
                        boolean valueHead, boolean rewardHead) {

    /** LayerNorm epsilon, as in GPT-2 ({@code layer_norm_epsilon = 1e-5}). */
    public static final double LAYER_NORM_EPS = 1e-5;

    public GptConfig {
        requirePositive("vocabSize", vocabSize);
        requirePositive("contextLength", contextLength);
        requirePositive("numLayers", numLayers);
        requirePositive("numHeads", numHeads);
        requirePositive("channels", channels);
        if (channels % numHeads != 0) {
            throw new IllegalArgumentException("channels (n_embd) = " + channels
                    + " must be divisible by numHeads (n_head) = " + numHeads);
        }
    }

    /**
     * The tiny default shape ({@code docs/architecture.md}, "The model contract"): byte-level vocabulary, C=64,
     * L=2, H=4, T=64, with a value head.
     */
    public static GptConfig tinyDefault() {
        return new GptConfig(257, 64, 2, 4, 64, true, false);
    }

    /**
     * The number of parameters of this shape, in 64-bit arithmetic (so a garbled {@code config.json} gives a large
     * number, not an overflow): V·C + T·C + L·(12C² + 13C) + 2C, plus C + 1 for the value head and C for the reward
     * head, the tensors of {@link ParameterLayout}.
     */
    public long parameterCount() {
        long c = channels;
        long count = (long) vocabSize * c + (long) contextLength * c + numLayers * (12 * c * c + 13 * c) + 2 * c;
        return count + (valueHead ? c + 1 : 0) + (rewardHead ? c : 0);
    }

    /** C / H, the width of one attention head. */
    public int headSize() {
        return channels / numHeads;
    }

    public GptConfig withValueHead(boolean enabled) {
        return new GptConfig(vocabSize, contextLength, numLayers, numHeads, channels, enabled, rewardHead);
    }

    public GptConfig withRewardHead(boolean enabled) {
        return new GptConfig(vocabSize, contextLength, numLayers, numHeads, channels, valueHead, enabled);
    }

    private static void requirePositive(String field, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(field + " must be positive, got " + value);
        }
    }
}
