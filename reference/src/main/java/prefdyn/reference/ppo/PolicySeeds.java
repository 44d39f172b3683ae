package prefdyn.reference.ppo;

/**
 * The clipped surrogate's backward seeds ∂L/∂logπ(a_t|s_t), whole and split the two ways the paper decomposes a
 * PPO update (paper §3.2):
 * <ul>
 *   <li>by the sign of Â: {@code positive} holds the seeds of tokens with Â &gt; 0 (positive learning: their
 *       likelihood is pushed up), {@code negative} those with Â ≤ 0 (negative learning; a token with Â = 0 exactly
 *       has seed 0 and is put here so that the two parts partition the response tokens);</li>
 *   <li>by the |Â| tertile of the token ({@link AdvantageTertiles}): {@code bottom}, {@code middle}, {@code top}
 *       (the reweighting).</li>
 * </ul>
 * Each part keeps the token's seed where the token belongs to it and holds 0 elsewhere, so for every entry
 * {@code total = positive + negative = bottom + middle + top} <b>exactly</b> (one addend is the seed, the others
 * are +0.0). Because backward is linear in its seeds, ∇L = ∇L_pos + ∇L_neg: a dynamics module can seed
 * {@code PolicyEngine.backward} with any part to get that part's gradient.
 *
 * @param total    [B][W] ∂L/∂logp_t of the whole surrogate
 * @param positive [B][W] the seeds of the tokens with Â &gt; 0, 0 elsewhere
 * @param negative [B][W] the seeds of the tokens with Â ≤ 0, 0 elsewhere
 * @param bottom   [B][W] the seeds of the bottom |Â| tertile, 0 elsewhere
 * @param middle   [B][W] the seeds of the middle |Â| tertile, 0 elsewhere
 * @param top      [B][W] the seeds of the top |Â| tertile, 0 elsewhere
 * @param tertiles [B][W] each response token's tertile index (0 bottom, 1 middle, 2 top), −1 elsewhere
 */
public record PolicySeeds(double[][] total, double[][] positive, double[][] negative, double[][] bottom,
                          double[][] middle, double[][] top, int[][] tertiles) {

    /** The seeds of one |Â| tertile. */
    public double[][] tertile(Tertile tertile) {
        return switch (tertile) {
            case BOTTOM -> bottom;
            case MIDDLE -> middle;
            case TOP -> top;
        };
    }
}
