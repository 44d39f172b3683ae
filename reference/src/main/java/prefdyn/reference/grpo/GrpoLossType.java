package prefdyn.reference.grpo;

/**
 * How GRPO aggregates its per-token losses ℓ_{i,t} over the batch (TRL's {@code loss_type};
 * {@code docs/paper-map.md}, "GRPO"). B completions, |o_i| response tokens of completion i.
 */
public enum GrpoLossType {
    /** L = (1/B) Σ_i (1/|o_i|) Σ_t ℓ_{i,t}: each completion's token mean, then the batch mean (Shao et al. 2402.03300). */
    GRPO,
    /** L = Σ_{i,t} ℓ_{i,t} / (B · max_completion_length): a constant normaliser (Dr. GRPO, Liu et al. 2503.20783). */
    DR_GRPO,
    /** L = Σ_{i,t} ℓ_{i,t} / Σ_i |o_i|: token-level mean over the whole batch (DAPO, Yu et al. 2503.14476; TRL's default). */
    DAPO
}
