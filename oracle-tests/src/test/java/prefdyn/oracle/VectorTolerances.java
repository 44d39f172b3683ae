package prefdyn.oracle;

import prefdyn.accelerated.kernels.Tolerance;

import java.util.Map;

/**
 * Every tolerance the vector engine ({@code prefdyn.vector}) is held to against the float64 reference, in one
 * place, each |vector − ref| ≤ abs + rel · max|ref| ({@link Tolerance}, the twin's machinery), with the error
 * measured beside it.
 *
 * <p><b>How the numbers were set.</b> The measurements are the worst over one run of the {@code Vector*} tests of
 * {@code oracle-tests} (2026-12-03, Temurin 25, AVX-512: 16 float lanes; the run writes them to
 * {@code oracle-tests/target/measured-errors.txt}); "rel" is max|Δ|/max|ref| of the worst case. Each bound is
 * about ten times its measurement, as the twin's are ({@code prefdyn.accelerated.check.Tolerances}). The engine is
 * float32 with fused multiply-adds and a polynomial exp, so its errors are float rounding of the same algorithm
 * with a different order of operations, of the twin's size: most kernels 1–3·10⁻⁷ relative, where the twin
 * measured 0.5–2·10⁻⁷. The two large ones have the twin's cause: LayerNorm multiplies rounding by
 * rstd = 1/√(σ² + ε), large for a row with a small spread (the random shapes include C = 1 and 2), and every
 * gradient upstream of a LayerNorm inherits it. Trajectories drift as AdamW moves a parameter whose gradient is
 * within rounding of zero by about ±lr either way. The kernel shapes here are wider than the twin's (T ≤ 20,
 * head size ≤ 24, V ≤ 40, I and O ≤ 70), so that whole vectors and their scalar edges are both exercised.
 */
final class VectorTolerances {

    private VectorTolerances() {
    }

    /** The default for a layer method: measured rel ≤ 3.4e-7 (linearBackward), most 0.5–2.7e-7. */
    private static final Tolerance KERNEL = new Tolerance(1e-7, 3e-6);

    private static final Map<String, Tolerance> KERNELS = Map.ofEntries(
            Map.entry("encoderForward", KERNEL),            // rel 1.2e-7
            Map.entry("encoderBackward", KERNEL),           // rel 1.7e-7
            Map.entry("encoderForwardAtPositions", KERNEL), // rel 8.4e-8
            // rstd amplifies rounding for rows with a small spread: out rel 1.6e-5 (|Δ| 3.4e-3 at 205)
            Map.entry("layerNormForward", new Tolerance(1e-7, 2e-4)),
            // the same, twice: weight and bias gradients |Δ| 7.2e-4 at max|ref| 2.4, rel 3.0e-4
            Map.entry("layerNormBackward", new Tolerance(1e-7, 3e-3)),
            Map.entry("linearForward", KERNEL),             // rel 3.0e-7
            Map.entry("linearBackward", KERNEL),            // rel 3.4e-7
            Map.entry("attentionForward", KERNEL),          // rel 1.9e-7
            Map.entry("attentionBackward", KERNEL),         // rel 2.7e-7
            Map.entry("attendOneQuery", KERNEL),            // rel 3.2e-7
            Map.entry("storeKeysValues", KERNEL),           // rel 5.5e-8: copies, only the inputs' rounding
            // GELU's outputs near 0 for negative inputs need an absolute term: rel 1.0e-7
            Map.entry("geluForward", new Tolerance(1e-6, 3e-6)),
            // σ(2u)(1 − σ(2u)) for large |u|: rel 1.3e-6
            Map.entry("geluBackward", new Tolerance(1e-7, 1.5e-5)),
            Map.entry("residualForward", KERNEL),           // rel 7.4e-8
            Map.entry("residualBackward", KERNEL),          // rel 1.1e-7
            Map.entry("linearGeluForward", new Tolerance(1e-6, 3e-6)), // rel 2.6e-7
            Map.entry("linearResidualForward", KERNEL),     // rel 2.6e-7
            Map.entry("linearResidualBackward", KERNEL),    // rel 3.2e-7
            Map.entry("lastPositionForward", KERNEL),       // rel 5.5e-8: a copy
            Map.entry("lmHeadForward", KERNEL),             // rel 2.6e-7
            Map.entry("lmHeadBackward", KERNEL),            // rel 2.2e-7
            Map.entry("logSoftmaxForward", KERNEL),         // rel 1.1e-7
            Map.entry("logSoftmaxBackward", KERNEL),        // rel 1.9e-7
            Map.entry("tokenLogProbForward", KERNEL),       // rel 5.6e-8
            Map.entry("tokenLogProbBackward", KERNEL),      // rel 6.8e-8
            Map.entry("predictionStatistics", KERNEL),      // rel 1.4e-7
            Map.entry("step", KERNEL),                      // θ rel 1.4e-7
            // float squares summed in lanes per 4096-element chunk, chunks in float64: rel 5.9e-8 and 1.5e-7
            Map.entry("globalNorm", new Tolerance(1e-7, 2e-6)),
            Map.entry("clipGlobalNorm", new Tolerance(1e-7, 2e-6)));

    /** The tolerance of the layer pair named {@code name}. */
    static Tolerance kernel(String name) {
        Tolerance tolerance = KERNELS.get(name);
        if (tolerance == null) {
            throw new IllegalArgumentException("no tolerance for the vector layer " + name
                    + ": add one to VectorTolerances");
        }
        return tolerance;
    }

    // ---- the whole model: outputs of a ragged batch, gradient of each parameter tensor ------------------------

    /** Per-token log-probs: rel 2.3e-7 (|Δ| 1.0e-6 at 4.5). */
    static final Tolerance MODEL_LOG_PROBS = new Tolerance(1e-6, 3e-6);
    /** Σ over response tokens, in float64: rel 1.8e-7 (|Δ| 1.3e-6 at 7.2). */
    static final Tolerance MODEL_SEQUENCE_LOG_PROBS = new Tolerance(1e-6, 3e-6);
    /** Entropies: rel 3.3e-7. */
    static final Tolerance MODEL_ENTROPIES = new Tolerance(1e-6, 5e-6);
    /** Max-probs: rel 4.0e-7. */
    static final Tolerance MODEL_MAX_PROBS = new Tolerance(1e-7, 5e-6);
    /** Value head: rel 6.8e-7. */
    static final Tolerance MODEL_VALUES = new Tolerance(1e-7, 1e-5);
    /** Reward head: rel 1.5e-6 (|Δ| 5.0e-7 at 0.33). */
    static final Tolerance MODEL_REWARDS = new Tolerance(1e-7, 2e-5);
    /**
     * Next-token distributions: rel 2.4e-7; the KV-cached session against the reference's at every sampling
     * step: rel 8.2e-7 (|Δ| 2.1e-6 at 2.5). The cached session against the engine's own recompute is 0: bit-identical.
     */
    static final Tolerance MODEL_NEXT_TOKEN_LOG_PROBS = new Tolerance(1e-6, 5e-6);
    /**
     * Each tensor's gradient against its own max|ref|, N(0,1) seeds everywhere: worst rel 1.8e-3 (a small
     * tensor, |Δ| 3.3e-5); attn.c_attn.weight after two backward passes |Δ| 1.0e-4 at 0.072, rel 1.4e-3 (C = 2
     * LayerNorms). Also g′ of G: rel 1.8e-7.
     */
    static final Tolerance MODEL_GRADIENTS = new Tolerance(2e-4, 1e-2);

    // ---- training trajectories (the twin's runs: 6 steps, lr 3e-3) --------------------------------------------

    /** Every numeric metric of every step: rel 4.8e-8 (grad_norm). */
    static final Tolerance SFT_METRICS = new Tolerance(1e-7, 1e-6);
    /** Parameters after 6 steps: |Δ| 1.5e-4; the drift of the twin's SFT bound (see the class comment). */
    static final Tolerance SFT_PARAMETERS = new Tolerance(1e-2, 0);
    /** Every numeric metric of every step: rel 4.2e-7 (rewards/margins). */
    static final Tolerance DPO_METRICS = new Tolerance(1e-7, 5e-6);
    /** Parameters after 6 steps: |Δ| 8.8e-4. */
    static final Tolerance DPO_PARAMETERS = new Tolerance(1e-2, 0);
    /** PPO, 6 steps of sampled rollouts, 4 epochs × 2 minibatches: rel 1.9e-6 (objective/kl). */
    static final Tolerance PPO_METRICS = new Tolerance(1e-7, 2e-5);
    /** PPO parameters after 6 steps, 48 AdamW updates: |Δ| 3.3e-3 (1.4e-3 in an earlier run). */
    static final Tolerance PPO_PARAMETERS = new Tolerance(2e-2, 0);

    // ---- G (GradientAlignment) -------------------------------------------------------------------------------

    /** G of total, positive, negative, tertiles, and per parameter group: rel 2.1e-7. */
    static final Tolerance G = new Tolerance(1e-7, 3e-6);
    /** Gradient norms: rel 6.5e-8. */
    static final Tolerance G_NORMS = new Tolerance(1e-7, 1e-6);
    /** Cosines: rel 9.9e-8. */
    static final Tolerance G_COSINES = new Tolerance(1e-7, 2e-6);
}
