package prefdyn.datasets;

import java.util.List;

/**
 * A prompt with the continuations a model sampled for it (the DPO paper's protocol samples k per prompt from the
 * SFT model at temperature 1).
 *
 * @param prompt        the prompt (a review opening)
 * @param continuations the sampled continuations, in sampling order
 */
public record PromptCandidates(String prompt, List<String> continuations) {

    public PromptCandidates {
        if (prompt == null || prompt.isEmpty()) {
            throw new IllegalArgumentException("prompt: expected a non-empty string");
        }
        continuations = List.copyOf(continuations);
    }
}
