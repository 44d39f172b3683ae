package prefdyn.reference.sampling;

/**
 * How continuations are drawn.
 *
 * @param temperature    τ ≥ 0; tokens are drawn from softmax(logits/τ); τ = 0 means greedy (argmax, ties to the
 *                       lowest id)
 * @param maxNewTokens   the most tokens generated per prompt (fewer if end-of-text comes first or the context is full)
 * @param stopAtEndOfText whether generating end-of-text ends the response (the end-of-text token is kept in it)
 */
public record SamplingSettings(double temperature, int maxNewTokens, boolean stopAtEndOfText) {

    public SamplingSettings {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and >= 0, got " + temperature);
        }
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("maxNewTokens must be at least 1, got " + maxNewTokens);
        }
    }

    public static SamplingSettings greedy(int maxNewTokens) {
        return new SamplingSettings(0.0, maxNewTokens, true);
    }

    public static SamplingSettings sampled(double temperature, int maxNewTokens) {
        return new SamplingSettings(temperature, maxNewTokens, true);
    }
}
