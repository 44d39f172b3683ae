package prefdyn.reference.grpo;

/**
 * How GRPO scales the group-centred rewards r − mean_group(r) into advantages (TRL's {@code scale_rewards};
 * {@code docs/paper-map.md}, "GRPO").
 */
public enum ScaleRewards {
    /** Divide by the group's unbiased standard deviation + 1e-4 (TRL's default, {@code "group"}). */
    GROUP,
    /** Divide by the unbiased standard deviation of all rewards of the batch + 1e-4 ({@code "batch"}). */
    BATCH,
    /** No scaling (Dr. GRPO, Liu et al. 2503.20783; TRL's {@code "none"}). */
    NONE
}
