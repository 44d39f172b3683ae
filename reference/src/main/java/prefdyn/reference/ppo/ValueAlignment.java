package prefdyn.reference.ppo;

/**
 * Where the critic's V(s_t) lives in the model's per-position output.
 *
 * <p>Response token t (the token at position t) is the action taken in state s_t = tokens[0..t−1]. The value head
 * at position p summarises tokens[0..p], so V(s_t) is the output at position {@code t − 1}: the same shift as the
 * token log-prob, which is also predicted from position t − 1. This is TRL's
 * {@code full_value[:, context_length − 1 : −1]}.
 *
 * <p>Every PPO array in this package is in "token coordinates": entry [b][t] belongs to response token t (mask
 * true). This class converts values and value seeds between token coordinates and the model's output positions.
 */
public final class ValueAlignment {

    private ValueAlignment() {
    }

    /**
     * V(s_t) = outputs[b][t − 1] for each response token t, 0 elsewhere.
     *
     * @param outputs [B][W] the value head's output per position ({@code ForwardResult.values()})
     * @param mask    [B][W] response tokens (never position 0)
     * @return [B][W] state values in token coordinates
     */
    public static double[][] stateValues(double[][] outputs, boolean[][] mask) {
        double[][] values = new double[mask.length][];
        for (int b = 0; b < mask.length; b++) {
            values[b] = new double[mask[b].length];
            for (int t = 1; t < mask[b].length; t++) {
                if (mask[b][t]) {
                    values[b][t] = outputs[b][t - 1];
                }
            }
        }
        return values;
    }

    /**
     * The inverse shift for backward: ∂L/∂output[b][t − 1] = ∂L/∂V(s_t), 0 at positions that are not the state
     * before a response token.
     *
     * @param stateSeeds [B][W] ∂L/∂V(s_t) in token coordinates (non-zero only on response tokens)
     * @param mask       [B][W] response tokens
     * @return [B][W] seeds for {@code BackwardSeeds.values}
     */
    public static double[][] outputSeeds(double[][] stateSeeds, boolean[][] mask) {
        double[][] seeds = new double[mask.length][];
        for (int b = 0; b < mask.length; b++) {
            seeds[b] = new double[mask[b].length];
            for (int t = 1; t < mask[b].length; t++) {
                if (mask[b][t]) {
                    seeds[b][t - 1] = stateSeeds[b][t];
                }
            }
        }
        return seeds;
    }
}
