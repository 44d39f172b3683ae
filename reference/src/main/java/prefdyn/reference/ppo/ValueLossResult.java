package prefdyn.reference.ppo;

/**
 * The clipped value loss on one minibatch.
 *
 * @param loss         0.5·mean_t max((V_t − R_t)², (clip(V_t, V_old,t ± ε_v) − R_t)²) ({@code loss/value})
 * @param clipFraction fraction of response tokens where the clipped term is strictly larger ({@code val/clipfrac})
 * @param seeds        [B][W] ∂loss/∂V(s_t) in token coordinates (shift them with
 *                     {@link ValueAlignment#outputSeeds} before seeding the value model)
 */
public record ValueLossResult(double loss, double clipFraction, double[][] seeds) {
}
