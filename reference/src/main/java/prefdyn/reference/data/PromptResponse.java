package prefdyn.reference.data;

/**
 * One sequence as the objectives see it: prompt token ids followed by response token ids. Only the response's
 * log-probability counts ({@code docs/paper-map.md}, "Sequence log-probability"); the prompt conditions it.
 *
 * @param prompt   [Tp] token ids, at least one (position 0 has no log-prob, so it must be a prompt token)
 * @param response [Tr] token ids, at least one
 */
public record PromptResponse(int[] prompt, int[] response) {

    public PromptResponse {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("a prompt needs at least one token (position 0 is never predicted)");
        }
        if (response.length == 0) {
            throw new IllegalArgumentException("empty response: there is no token to learn from");
        }
        prompt = prompt.clone();
        response = response.clone();
    }

    @Override
    public int[] prompt() {
        return prompt.clone();
    }

    @Override
    public int[] response() {
        return response.clone();
    }

    public int promptLength() {
        return prompt.length;
    }

    public int responseLength() {
        return response.length;
    }

    public int length() {
        return prompt.length + response.length;
    }
}
