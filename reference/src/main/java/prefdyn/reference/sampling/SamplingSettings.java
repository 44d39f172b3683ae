package prefdyn.reference.sampling;

import prefdyn.reference.tokenizer.ByteTokenizer;
import prefdyn.reference.tokenizer.Tokenizer;

/**
 * How continuations are drawn.
 *
 * @param temperature     τ ≥ 0; tokens are drawn from softmax(logits/τ); τ = 0 means greedy (argmax, ties to the
 *                        lowest id)
 * @param maxNewTokens    the most tokens generated per prompt (fewer if end-of-text comes first or the context is full)
 * @param stopAtEndOfText whether generating end-of-text ends the response (the end-of-text token is kept in it)
 * @param endOfText       the id that ends a response: the model's tokenizer's end-of-text ({@link Tokenizer#endOfText})
 */
public record SamplingSettings(double temperature, int maxNewTokens, boolean stopAtEndOfText, int endOfText) {

    public SamplingSettings {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and >= 0, got " + temperature);
        }
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("maxNewTokens must be at least 1, got " + maxNewTokens);
        }
        if (endOfText < 0) {
            throw new IllegalArgumentException("endOfText must be a token id (>= 0), got " + endOfText);
        }
    }

    /** Settings for a model that uses the byte-level tokenizer (end-of-text {@value ByteTokenizer#END_OF_TEXT}). */
    public SamplingSettings(double temperature, int maxNewTokens, boolean stopAtEndOfText) {
        this(temperature, maxNewTokens, stopAtEndOfText, ByteTokenizer.END_OF_TEXT);
    }

    /** Greedy decoding that stops at the byte-level tokenizer's end-of-text. */
    public static SamplingSettings greedy(int maxNewTokens) {
        return new SamplingSettings(0.0, maxNewTokens, true);
    }

    /** Sampling at {@code temperature} that stops at the byte-level tokenizer's end-of-text. */
    public static SamplingSettings sampled(double temperature, int maxNewTokens) {
        return new SamplingSettings(temperature, maxNewTokens, true);
    }

    /** Greedy decoding that stops at {@code tokenizer}'s end-of-text. */
    public static SamplingSettings greedy(int maxNewTokens, Tokenizer tokenizer) {
        return new SamplingSettings(0.0, maxNewTokens, true, tokenizer.endOfText());
    }

    /** Sampling at {@code temperature} that stops at {@code tokenizer}'s end-of-text. */
    public static SamplingSettings sampled(double temperature, int maxNewTokens, Tokenizer tokenizer) {
        return new SamplingSettings(temperature, maxNewTokens, true, tokenizer.endOfText());
    }
}
