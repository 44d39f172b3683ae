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
 * And, TRL's further losses that fit the same form ({@code docs/paper-map.md}, one row each):
 * <ul>
 *   <li>{@link #ROBUST}: Chowdhury et al. 2403.00409 (TRL {@code "robust"}), unbiased under label flips with rate ε,
 *       ℓ = [(1−ε)·softplus(−h) − ε·softplus(h)] / (1 − 2ε).</li>
 *   <li>{@link #SIMPO}: Meng et al. 2405.14734 (TRL {@code CPOTrainer}, {@code loss_type="simpo"},
 *       {@code cpo_alpha = 0}), reference-free and length-normalised with target margin γ,
 *       h = β·(lp⁺/|y⁺| − lp⁻/|y⁻|) − γ, ℓ = softplus(−h).</li>
 *   <li>{@link #APO_ZERO}: D'Oosterlinck et al. 2408.06266 Eq. 7 (TRL {@code "apo_zero"}),
 *       ℓ = 1 − σ(β·lr⁺) + σ(β·lr⁻).</li>
 *   <li>{@link #NCA_PAIR}: Chen et al. 2402.05369 (TRL {@code "nca_pair"}),
 *       ℓ = −log σ(β·lr⁺) − ½·log σ(−β·lr⁺) − ½·log σ(−β·lr⁻).</li>
 * </ul>
 * And one loss that is not in TRL:
 * <ul>
 *   <li>{@link #BPO}: Sun et al. 2506.03557 ("BPO: Revisiting Preference Modeling in Direct Preference
 *       Optimization"), the balanced reward margin with gap adaptor α ∈ (0, 1], h = min(β·lr⁺, −α·β·lr⁻),
 *       ℓ = softplus(−h): each pair trains only the side that is behind, y⁺ while β·lr⁺ &lt; −α·β·lr⁻, else y⁻.</li>
 * </ul>
 * Each ℓ is written in the decomposed form of {@code docs/paper-map.md} ("Objectives"), ∂ℓ/∂lp⁺ = −β·ω·λ⁺ and ∂ℓ/∂lp⁻ =
 * +β·ω·λ⁻, by {@link DpoLoss}.
 */
public enum DpoLossType {
    SIGMOID, HINGE, IPO, CONSERVATIVE, ROBUST, SIMPO, APO_ZERO, NCA_PAIR, BPO;

    /**
     * TRL's name of the loss ("sigmoid", "apo_zero", …); {@link #CONSERVATIVE} is TRL's sigmoid with label smoothing,
     * and {@link #BPO}, which TRL lacks, is named "bpo".
     */
    public String trlName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Parses TRL's name (or the constant's), case-insensitive; any other value is a one-line error. */
    public static DpoLossType parse(String name) {
        for (DpoLossType type : values()) {
            if (type.name().equalsIgnoreCase(name.replace('-', '_'))) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown DPO loss type '" + name + "' (expected one of "
                + java.util.Arrays.stream(values()).map(DpoLossType::trlName).toList() + ")");
    }
}
