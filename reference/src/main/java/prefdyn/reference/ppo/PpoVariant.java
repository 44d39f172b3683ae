package prefdyn.reference.ppo;

/**
 * Ablations of PPO, each a non-negative weight w_t on the standard per-token surrogate (see {@link PpoObjective}),
 * named for what they do. The paper's cPPO and hPPO are not public (paper §3.4); these are prefdyn's own.
 */
public enum PpoVariant {
    /** w_t = 1: the clipped surrogate as in TRL. */
    STANDARD,
    /** Positive learning only: tokens with Â &lt; 0 get w = 0. */
    POSITIVE_ONLY,
    /** Negative learning only: tokens with Â &gt; 0 get w = 0. */
    NEGATIVE_ONLY,
    /** No reweighting: Â_t → sign(Â_t)·mean|Â| (mean over the rollout batch's response tokens). */
    UNWEIGHTED,
    /** λ⁺(step) on Â &gt; 0 tokens and λ⁻(step) on Â &lt; 0 tokens, by a {@link ControlSchedule}. */
    CONTROLLED,
    /** Only the tokens of one |Â| tertile (top, middle or bottom) of the rollout batch. */
    SINGLE_TERTILE
}
