package prefdyn.reference.ppo;

import prefdyn.reference.data.PromptResponse;
import prefdyn.reference.tokenizer.Tokenizer;

import java.util.List;
import java.util.function.ToDoubleBiFunction;

/**
 * The scalar score RM(x, y) that PPO adds to the last response token's reward (paper §3.1: "reward per token …
 * plus RM(x, y) on the last token"). Pluggable: a trained reward model ({@link RewardModelScorer}) or any function
 * of the text ({@link #ofText}).
 *
 * <p>Implementations must be deterministic (the same sequences give the same scores) so that PPO runs are
 * reproducible. A NaN or infinite score is rejected by the trainer, which names the step and the sequence.
 */
@FunctionalInterface
public interface RewardFunction {

    /**
     * Scores each (prompt, response) pair.
     *
     * @param sequences [N] prompt ids followed by the generated response ids (end-of-text included when generation
     *                  stopped on it)
     * @return [N] one score per sequence, in order
     */
    double[] score(List<PromptResponse> sequences);

    /**
     * A reward computed from the decoded text: {@code score.applyAsDouble(promptText, responseText)}, both decoded
     * by the policy's {@code tokenizer} up to their first end-of-text ({@link Tokenizer#decodeToEndOfText}), which is
     * not part of the text (as TRL's {@code batch_decode(..., skip_special_tokens=True)} of a response truncated at its stop
     * token).
     */
    static RewardFunction ofText(Tokenizer tokenizer, ToDoubleBiFunction<String, String> score) {
        return sequences -> {
            double[] scores = new double[sequences.size()];
            for (int i = 0; i < scores.length; i++) {
                PromptResponse sequence = sequences.get(i);
                scores[i] = score.applyAsDouble(tokenizer.decodeToEndOfText(sequence.prompt()),
                        tokenizer.decodeToEndOfText(sequence.response()));
            }
            return scores;
        };
    }
}
