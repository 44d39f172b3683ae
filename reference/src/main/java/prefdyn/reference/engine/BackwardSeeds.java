package prefdyn.reference.engine;

/**
 * The upstream gradient that starts a backward pass: ∂L/∂(each per-token output of the last forward).
 *
 * <p>Any objective is a function of per-token log-probs, values and reward scores, so seeding backward with one
 * coefficient per token lets every objective (SFT, the DPO family, PPO, the reward model, G's NLL term) reuse the
 * same model backward. Example: a sequence log-prob {@code lp = Σ_t mask·logp_t} with loss {@code L = c·lp} seeds
 * {@code tokenLogProbs[b][t] = c} on the response tokens.
 *
 * @param tokenLogProbs [B][W] ∂L/∂tokenLogProbs[b][t], or null; must be 0 at position 0 and on padding
 * @param values        [B][W] ∂L/∂values[b][t], or null (requires a value head); 0 on padding
 * @param rewards       [B][W] ∂L/∂rewards[b][t], or null (requires a reward head); 0 on padding
 */
public record BackwardSeeds(double[][] tokenLogProbs, double[][] values, double[][] rewards) {

    public static BackwardSeeds ofTokenLogProbs(double[][] tokenLogProbs) {
        return new BackwardSeeds(tokenLogProbs, null, null);
    }

    /** Whether every seed is 0 (absent arrays count as zeros): backward then adds nothing to the gradient. */
    public boolean isZero() {
        return allZero(tokenLogProbs) && allZero(values) && allZero(rewards);
    }

    /** @param seeds [B][W] or null */
    private static boolean allZero(double[][] seeds) {
        if (seeds == null) {
            return true;
        }
        for (double[] row : seeds) {
            for (double seed : row) {
                if (seed != 0.0) {
                    return false;
                }
            }
        }
        return true;
    }
}
