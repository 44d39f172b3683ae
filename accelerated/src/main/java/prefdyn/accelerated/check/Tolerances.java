package prefdyn.accelerated.check;

import prefdyn.accelerated.kernels.Tolerance;

/**
 * Every tolerance the differential tests and the {@link DifferentialCheck} hold the float32 twin to, each as
 * |twin − ref| ≤ abs + rel · max|ref| (see {@link Tolerance}), with the error measured beside it: here for the
 * whole model, training trajectories and G, and in the kernels' table ({@code prefdyn.accelerated.kernels
 * .TwinProgram}, {@code TwinKernel.tolerance()}) for each single kernel, set the same way.
 *
 * <p><b>How the numbers were set.</b> The measurements are the worst over one full run of {@code oracle-tests}
 * and of {@link DifferentialCheck} (2026-11-27, PoCL 3.1 CPU device "pthread-haswell-AMD EPYC", Temurin 25; the
 * test run writes them to {@code oracle-tests/target/measured-errors.txt}). "rel" below is max|Δ|/max|ref| of the
 * worst case. Each bound is about ten times the measurement (the worst uses 12% of its bound). On PoCL the twin is bit-identical to the same kernels run as Java float code
 * ({@link #OPENCL_VS_JAVA_FLOAT}), so every error measured here is float32 rounding of the reference's own
 * algorithm, not something OpenCL adds. A GPU adds a few ulps per operation (fused multiply-add, OpenCL's
 * 2.5–5 ulp division, exp, log, tanh), which perturbs results the way float rounding does; the factor of ten is the
 * room for that.
 *
 * <p><b>Where the large ones come from.</b> LayerNorm multiplies rounding errors by rstd = 1/√(σ² + ε), which is
 * large for a row with a small spread; the random shapes include C = 2, where two nearly equal entries give
 * rstd in the hundreds. Everything upstream of a LayerNorm in backward inherits that, which is why the model
 * gradients need 10⁻³ where single kernels need 10⁻⁶. Training runs diverge differently: AdamW moves each
 * parameter by about ±lr whatever the gradient's size, so a gradient element within rounding of zero can move
 * the other way in float32.
 */
public final class Tolerances {

    private Tolerances() {
    }

    // Single kernels: each bound is in its kernel's row of the table in prefdyn.accelerated.kernels.TwinProgram,
    // beside its operation code and reference method, with the error measured; set as described above.

    // ---- the whole model: outputs of a ragged batch, gradient of each parameter tensor ------------------------

    /** Per-token log-probs: rel 2.9e-7 (|Δ| 1.1e-6 at max|ref| 3.6). */
    public static final Tolerance MODEL_LOG_PROBS = new Tolerance(1e-6, 5e-6);
    /** Σ over response tokens, in float64 on the host: rel 1.7e-7 (|Δ| 1.1e-6 at 6.6). */
    public static final Tolerance MODEL_SEQUENCE_LOG_PROBS = new Tolerance(1e-6, 5e-6);
    /** Entropies: rel 1.1e-6 (|Δ| 5.9e-6 at 5.5). */
    public static final Tolerance MODEL_ENTROPIES = new Tolerance(1e-6, 2e-5);
    /** Max-probs: rel 1.6e-6 (|Δ| 1.6e-7 at 0.10). */
    public static final Tolerance MODEL_MAX_PROBS = new Tolerance(1e-7, 2e-5);
    /** Value head: rel 5.8e-7. */
    public static final Tolerance MODEL_VALUES = new Tolerance(1e-7, 3e-5);
    /** Reward head: rel 3.0e-6 (|Δ| 8.7e-7 at 0.29). */
    public static final Tolerance MODEL_REWARDS = new Tolerance(1e-7, 3e-5);
    /**
     * Next-token distributions: rel 2.5e-7. Also the twin's KV-cached session against the reference's at every
     * sampling step: rel 1.7e-7 (|Δ| 6.0e-7 at max|ref| 3.5; the cached step is the twin's recompute to the bit on
     * PoCL, so this is the sampling pass's own error).
     */
    public static final Tolerance MODEL_NEXT_TOKEN_LOG_PROBS = new Tolerance(1e-6, 5e-6);
    /**
     * Each parameter tensor's gradient against its own max|ref|, with N(0,1) seeds on every output: worst rel
     * 6.6e-4 (wpe, |Δ| 2.8e-5 at max|ref| 0.043) and worst |Δ| 4.4e-4 (c_proj.bias at 3.8, rel 1.1e-4), both with
     * C = 2 LayerNorms; 1e-6 at C = 64 (the tiny default model). Also g′ of G.
     */
    public static final Tolerance MODEL_GRADIENTS = new Tolerance(2e-4, 3e-3);
    /**
     * OpenCL against the same kernels as Java float code on Aparapi's thread pool: measured 0 (bit-identical on
     * PoCL, log-probs and every gradient). A GPU's fused multiply-add and ulp-level exp/log/tanh/division differ
     * the way float rounding does, so the bound is the model-gradient bound.
     */
    public static final Tolerance OPENCL_VS_JAVA_FLOAT = MODEL_GRADIENTS;

    // ---- training trajectories (SftTrainer, DpoTrainer, PpoTrainer; 6 steps, lr 3e-3) ------------------------

    /** Every numeric metric of every step (loss, entropy, grad_norm): rel 3.6e-7 (SFT grad_norm). */
    public static final Tolerance SFT_METRICS = new Tolerance(1e-7, 1e-5);
    /**
     * Parameters after 6 steps: |Δ| 1.5e-4 (DPO: up to 1.1e-3). A gradient element within rounding of zero may take
     * the other sign in float32, and AdamW then moves its parameter by about lr the other way: flipping every step
     * would give 2·lr·6 = 3.6e-2. The bound, 1e-2, is about ten times the worst seen.
     */
    public static final Tolerance SFT_PARAMETERS = new Tolerance(1e-2, 0);
    /** Every numeric metric of every step (loss, rewards, margins, ω, log-probs, norms, cosine): rel 2.8e-7. */
    public static final Tolerance DPO_METRICS = new Tolerance(1e-7, 1e-5);
    /** Parameters after 6 steps: |Δ| 3.7e-4 in oracle-tests, 1.1e-3 in {@link DifferentialCheck}; see SFT. */
    public static final Tolerance DPO_PARAMETERS = new Tolerance(1e-2, 0);

    /** PPO (6 steps of 4 epochs × 2 minibatches, sampled rollouts): rel 1.9e-6 (objective/kl, non_score_reward). */
    public static final Tolerance PPO_METRICS = new Tolerance(1e-7, 2e-5);
    /** PPO parameters after 6 steps, 48 AdamW updates: |Δ| 2.2e-3, for the reason given at SFT. */
    public static final Tolerance PPO_PARAMETERS = new Tolerance(2e-2, 0);

    // ---- G (GradientAlignment) -------------------------------------------------------------------------------

    /** G of total, positive, negative, tertiles, and per parameter group, each family as one: rel 2.7e-7. */
    public static final Tolerance G = new Tolerance(1e-7, 5e-6);
    /** Gradient norms of the components and of g′: rel 3.1e-8. */
    public static final Tolerance G_NORMS = new Tolerance(1e-7, 2e-6);
    /** Cosines g′·g/(‖g′‖‖g‖): rel 2.0e-7 (|Δ| 7.8e-8 at 0.39). */
    public static final Tolerance G_COSINES = new Tolerance(1e-7, 5e-6);
    /** The twin's own dot product on the device against a float64 sum of the same float values, scaled by Σ|g′ᵢgᵢ|: rel 6.3e-8. */
    public static final Tolerance G_DOT_ON_DEVICE = new Tolerance(0, 2e-6);
}
