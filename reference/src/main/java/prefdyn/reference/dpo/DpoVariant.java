package prefdyn.reference.dpo;

/**
 * The paper's ablations of DPO (paper §2.2; {@code docs/paper-map.md}, "Objectives"), each a choice of (ω, λ⁺, λ⁻) in
 * the gradient-equivalent form L ≡ mean[β·ω·(−λ⁺·lp⁺ + λ⁻·lp⁻)] with ω held constant:
 * <ul>
 *   <li>{@link #STANDARD}: ω from the loss type (σ(−h) for DPO), λ⁺ = λ⁻ = 1.</li>
 *   <li>{@link #POSITIVE_ONLY}: λ⁻ = 0 — only positive learning (raise y⁺).</li>
 *   <li>{@link #NEGATIVE_ONLY}: λ⁺ = 0 — only negative learning (lower y⁻).</li>
 *   <li>{@link #UNWEIGHTED}: ω ≡ a constant (default ½, DPO's weight at step 0) — no loss reweighting.</li>
 *   <li>{@link #CONTROLLED}: the paper's "cDPO (controlled DPO)": λ⁺ falls and λ⁻ rises over training on a
 *       linear {@link LambdaSchedule} (the paper's schedule is not public; ours is configurable).</li>
 *   <li>{@link #HARD_SWITCH}: positive-only for the first fraction of training, negative-only after (an ablation
 *       proposed in the paper's OpenReview reviews, not run in the paper).</li>
 *   <li>{@link #COORDINATED}: prefdyn's own, beyond the paper: λ⁺ and λ⁻ are set every step from live
 *       measurements by a {@link CoordinationController}.</li>
 * </ul>
 */
public enum DpoVariant {
    STANDARD, POSITIVE_ONLY, NEGATIVE_ONLY, UNWEIGHTED, CONTROLLED, HARD_SWITCH, COORDINATED
}
