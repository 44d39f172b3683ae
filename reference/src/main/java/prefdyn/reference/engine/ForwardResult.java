package prefdyn.reference.engine;

/**
 * What one forward pass of a batch produces. Every array is indexed like the {@link TokenBatch}'s tokens;
 * entries at padding positions and at position 0 are 0.
 *
 * @param tokenLogProbs    [B][W] log π(token[b][t] | token[b][&lt;t]) for 1 ≤ t &lt; length[b]
 * @param sequenceLogProbs [B] lp(y|x) = Σ_t responseMask[b][t] · tokenLogProbs[b][t] ({@code docs/paper-map.md},
 * "Sequence log-probability")
 * @param entropies        [B][W] entropy −Σ_v p log p of the distribution that predicts position t
 * @param maxProbs         [B][W] max_v p of that distribution (the "squeezing effect" metric)
 * @param values           [B][W] value-head output at each position (the state after token t), or null
 * @param rewards          [B][W] reward-head output at each position, or null
 */
public record ForwardResult(double[][] tokenLogProbs, double[] sequenceLogProbs, double[][] entropies,
                            double[][] maxProbs, double[][] values, double[][] rewards) {
}
