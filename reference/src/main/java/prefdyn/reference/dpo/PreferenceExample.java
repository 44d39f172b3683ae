package prefdyn.reference.dpo;

import prefdyn.reference.data.PromptResponse;

import java.util.Arrays;

/**
 * One preference pair in token ids: a prompt x, the preferred response y⁺ and the dispreferred response y⁻.
 *
 * @param prompt   [Tp] at least one token
 * @param chosen   [T⁺] y⁺, at least one token
 * @param rejected [T⁻] y⁻, at least one token, different from y⁺
 */
public record PreferenceExample(int[] prompt, int[] chosen, int[] rejected) {

    public PreferenceExample {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("empty prompt: a pair needs at least one prompt token");
        }
        if (chosen.length == 0 || rejected.length == 0) {
            throw new IllegalArgumentException("empty " + (chosen.length == 0 ? "chosen" : "rejected")
                    + " response: there is no token to learn from");
        }
        if (Arrays.equals(chosen, rejected)) {
            throw new IllegalArgumentException("chosen and rejected responses are identical: the pair says nothing");
        }
        prompt = prompt.clone();
        chosen = chosen.clone();
        rejected = rejected.clone();
    }

    @Override
    public int[] prompt() {
        return prompt.clone();
    }

    @Override
    public int[] chosen() {
        return chosen.clone();
    }

    @Override
    public int[] rejected() {
        return rejected.clone();
    }

    public PromptResponse chosenSequence() {
        return new PromptResponse(prompt, chosen);
    }

    public PromptResponse rejectedSequence() {
        return new PromptResponse(prompt, rejected);
    }
}
