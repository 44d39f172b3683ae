package prefdyn.reference.ppo;

/**
 * Generalized Advantage Estimation (Schulman et al., 1506.02438, Eq. 16) by TRL's reversed loop:
 * <pre>
 *   δ_t = r_t + γ·V(s_{t+1}) − V(s_t)
 *   Â_t = δ_t + γλ·Â_{t+1}            (= Σ_l (γλ)^l δ_{t+l})
 *   R_t = Â_t + V(s_t)                (the value targets, TRL's "returns")
 * </pre>
 * over the response tokens of each row, in order; "t+1" is the next response token. The state after the last
 * response token is terminal: V = 0 and Â = 0 there.
 */
public final class Gae {

    private Gae() {
    }

    /**
     * @param advantages [B][W] Â_t on response tokens, 0 elsewhere (not whitened)
     * @param returns    [B][W] R_t = Â_t + V(s_t) on response tokens, 0 elsewhere
     */
    public record AdvantagesAndReturns(double[][] advantages, double[][] returns) {
    }

    /**
     * @param rewards [B][W] r_t on response tokens (token coordinates)
     * @param values  [B][W] V(s_t) on response tokens (token coordinates, see {@link ValueAlignment})
     * @param mask    [B][W] response tokens
     * @param gamma   γ ∈ [0, 1]
     * @param lambda  λ ∈ [0, 1]
     */
    public static AdvantagesAndReturns estimate(double[][] rewards, double[][] values, boolean[][] mask,
                                                double gamma, double lambda) {
        int B = mask.length;
        double[][] advantages = new double[B][];
        double[][] returns = new double[B][];
        for (int b = 0; b < B; b++) {
            int W = mask[b].length;
            advantages[b] = new double[W];
            returns[b] = new double[W];
            double nextValue = 0.0;     // V after the last response token: terminal
            double nextAdvantage = 0.0;
            for (int t = W - 1; t >= 0; t--) {
                if (!mask[b][t]) {
                    continue;
                }
                double delta = rewards[b][t] + gamma * nextValue - values[b][t];
                double advantage = delta + gamma * lambda * nextAdvantage;
                advantages[b][t] = advantage;
                returns[b][t] = advantage + values[b][t];
                nextValue = values[b][t];
                nextAdvantage = advantage;
            }
        }
        return new AdvantagesAndReturns(advantages, returns);
    }
}
