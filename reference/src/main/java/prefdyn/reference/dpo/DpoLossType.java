package prefdyn.reference.dpo;

/**
 * The per-pair loss ℓ as a function of the log-ratio margin. With lr± = lp(y±) − lp_ref(y±), Δ = lr⁺ − lr⁻ and
 * h = β·Δ:
 * <ul>
 *   <li>{@link #SIGMOID}: standard DPO (Rafailov et al. 2023, Eq. 7), ℓ = −log σ(h) = softplus(−h).</li>
 *   <li>{@link #HINGE}: SLiC / RSO, ℓ = max(0, 1 − h).</li>
 *   <li>{@link #IPO}: Azar et al. 2023, ℓ = (Δ̄ − 1/(2β))² with the <em>length-normalised</em> margin
 *       Δ̄ = lr⁺/|y⁺| − lr⁻/|y⁻| (TRL's convention, "confirmed with the IPO authors"; OpenRLHF uses the summed
 *       margin instead).</li>
 *   <li>{@link #CONSERVATIVE}: Mitchell's conservative DPO with label smoothing ε,
 *       ℓ = (1−ε)·softplus(−h) + ε·softplus(h). Not the paper's "controlled DPO", which is
 *       {@link DpoVariant#CONTROLLED}.</li>
 * </ul>
 * Each ℓ is written in the decomposed form of {@code docs/paper-map.md} ("Objectives"), ∂ℓ/∂lp⁺ = −β·ω·λ⁺ and ∂ℓ/∂lp⁻ =
 * +β·ω·λ⁻, by {@link DpoLoss}.
 */
public enum DpoLossType {
    SIGMOID, HINGE, IPO, CONSERVATIVE
}
