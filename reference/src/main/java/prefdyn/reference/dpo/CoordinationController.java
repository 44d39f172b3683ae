package prefdyn.reference.dpo;

import prefdyn.reference.data.PromptResponse;
import prefdyn.reference.dynamics.FinalResponses;
import prefdyn.reference.dynamics.GradientAlignment;
import prefdyn.reference.engine.PolicyEngine;
import prefdyn.reference.sampling.SamplingSettings;

import prefdyn.reference.train.Trainer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * prefdyn's "coordinated" DPO (the paper only proposes coordinating the components in real time; this rule is
 * ours and is compared against the fixed variants): each step, λ⁺ and λ⁻ are set from how well positive and
 * negative learning align with where the policy is heading <em>now</em>.
 *
 * <p>The moving target D″ is the policy's own greedy responses on a fixed set of probe prompts, regenerated every
 * {@code refreshEvery} steps; g″ = ∇NLL_{D″}. With the step's unit-weight component gradients g⁺ and g⁻:
 * <pre>
 *   a± = (g″·g±) / (|g″·g⁺| + |g″·g⁻|)                       alignment shares, in [−1, 1]
 *   λ⁺* = 2·e^{κ·a⁺} / (e^{κ·a⁺} + e^{κ·a⁻}),  λ⁻* = 2 − λ⁺*     softmax split of a fixed total of 2
 *   λ± ← ρ·λ± + (1 − ρ)·clip(λ±*, [min, max])                    smoothed (ρ = smoothing)
 * </pre>
 * The total stays that of standard DPO, and because the step's gradient is linear in λ, the update
 * λ⁺·g⁺ + λ⁻·g⁻ is exact. The sign of the gain κ chooses the policy:
 * <ul>
 *   <li>κ &gt; 0 <em>consolidates</em>: the component that reinforces the current greedy responses gets more
 *       weight. On the toy task (prefer "y" after "q") this locks in the initial answer: negative learning takes
 *       the weight and π(y|q) collapses (measured: below 1e-3 after 150 steps).</li>
 *   <li>κ &lt; 0 <em>explores</em> (the default, κ = −2): the component that moves the policy away from its
 *       current greedy responses gets more weight, so learning keeps changing the answer until the preferred
 *       response is the answer.</li>
 * </ul>
 */
public final class CoordinationController {

    /**
     * @param probePrompts  prompts of the moving target D″
     * @param refreshEvery  regenerate D″ and g″ every this many steps
     * @param maxNewTokens  greedy response length of D″
     * @param gain          κ (0 keeps λ± = 1, i.e. standard DPO; &gt; 0 consolidates, &lt; 0 explores)
     * @param smoothing     ρ ∈ [0, 1)
     * @param minWeight     lower clip of each λ
     * @param maxWeight     upper clip of each λ
     * @param endOfText     the policy's tokenizer's end-of-text, where a response of D″ stops
     */
    public record Settings(List<int[]> probePrompts, int refreshEvery, int maxNewTokens, double gain,
                           double smoothing, double minWeight, double maxWeight, int endOfText) {

        /** Settings for a policy with the byte-level tokenizer. */
        public Settings(List<int[]> probePrompts, int refreshEvery, int maxNewTokens, double gain, double smoothing,
                        double minWeight, double maxWeight) {
            this(probePrompts, refreshEvery, maxNewTokens, gain, smoothing, minWeight, maxWeight,
                    prefdyn.reference.tokenizer.ByteTokenizer.END_OF_TEXT);
        }

        public Settings {
            if (probePrompts.isEmpty()) {
                throw new IllegalArgumentException("coordination needs at least one probe prompt");
            }
            if (refreshEvery < 1 || maxNewTokens < 1) {
                throw new IllegalArgumentException("refreshEvery and maxNewTokens must be at least 1");
            }
            if (!Double.isFinite(gain) || !(smoothing >= 0 && smoothing < 1) || !(minWeight >= 0 && minWeight <= 1)
                    || !(maxWeight >= 1 && maxWeight <= 2)) {
                throw new IllegalArgumentException("need a finite gain, smoothing in [0,1), minWeight in [0,1], "
                        + "maxWeight in [1,2]; got " + gain + ", " + smoothing + ", " + minWeight + ", " + maxWeight);
            }
            probePrompts = List.copyOf(probePrompts);
        }

        /** The default gain κ: explore. */
        public static final double DEFAULT_GAIN = -2.0;

        /** κ = −2, ρ = 0.5, λ ∈ [0.25, 1.75], D″ refreshed every 10 steps with 16-token greedy responses. */
        public static Settings defaults(List<int[]> probePrompts) {
            return new Settings(probePrompts, 10, 16, DEFAULT_GAIN, 0.5, 0.25, 1.75);
        }

        /** The defaults for a policy whose tokenizer is {@code tokenizer}. */
        public static Settings defaults(List<int[]> probePrompts, prefdyn.reference.tokenizer.Tokenizer tokenizer) {
            return new Settings(probePrompts, 10, 16, DEFAULT_GAIN, 0.5, 0.25, 1.75, tokenizer.endOfText());
        }
    }

    private final Settings settings;
    private double[] probeGradient;
    private long refreshedAt = Long.MIN_VALUE;
    private double lambdaPositive = 1.0;
    private double lambdaNegative = 1.0;

    public CoordinationController(Settings settings) {
        this.settings = settings;
    }

    /**
     * Regenerates D″ and g″ when due. Runs forward and backward passes on the policy, so it must be called
     * before the step's own forward.
     */
    public void refreshIfDue(long step, PolicyEngine policy) {
        if (probeGradient != null && step - refreshedAt < settings.refreshEvery()) {
            return;
        }
        List<PromptResponse> moving = FinalResponses.generate(policy, settings.probePrompts(),
                new SamplingSettings(0.0, settings.maxNewTokens(), true, settings.endOfText()), 0);
        probeGradient = GradientAlignment.targetGradient(policy, moving, GradientAlignment.TargetAverage.PER_SEQUENCE,
                moving.size()).gradient();
        refreshedAt = step;
    }

    /**
     * Updates and returns {λ⁺, λ⁻} from g″·g⁺ and g″·g⁻.
     *
     * @param alignment {g″·g⁺, g″·g⁻}
     */
    public double[] update(double[] alignment) {
        double scale = Math.abs(alignment[0]) + Math.abs(alignment[1]);
        if (scale > 0) {
            double positiveShare = alignment[0] / scale;
            double negativeShare = alignment[1] / scale;
            double ePositive = Math.exp(settings.gain() * positiveShare);
            double eNegative = Math.exp(settings.gain() * negativeShare);
            double targetPositive = clip(2.0 * ePositive / (ePositive + eNegative));
            double targetNegative = clip(2.0 - targetPositive);
            lambdaPositive = settings.smoothing() * lambdaPositive + (1 - settings.smoothing()) * targetPositive;
            lambdaNegative = settings.smoothing() * lambdaNegative + (1 - settings.smoothing()) * targetNegative;
        }
        return new double[] {lambdaPositive, lambdaNegative};
    }

    /** The controller's state after a step, for a resume point: λ±, the step of the last refresh, and g″. */
    public Trainer.State state() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("coordination/refreshed_at", refreshedAt);
        Map<String, double[]> arrays = new LinkedHashMap<>();
        arrays.put("coordination/lambda", new double[] {lambdaPositive, lambdaNegative});
        if (probeGradient != null) {
            arrays.put("coordination/probe_gradient", probeGradient.clone());
        }
        return new Trainer.State(values, arrays);
    }

    /** Restores {@link #state()}'s values (resuming a run). */
    public void restore(Trainer.State state) {
        double[] lambda = state.arrays().get("coordination/lambda");
        Object refreshed = state.values().get("coordination/refreshed_at");
        if (lambda == null || lambda.length != 2 || !(refreshed instanceof Number)) {
            throw new IllegalArgumentException("the resume point holds no coordination state");
        }
        lambdaPositive = lambda[0];
        lambdaNegative = lambda[1];
        refreshedAt = ((Number) refreshed).longValue();
        double[] gradient = state.arrays().get("coordination/probe_gradient");
        probeGradient = gradient == null ? null : gradient.clone();
    }

    /** g″ [P], the gradient of the moving target's NLL (null before the first refresh). */
    public double[] probeGradient() {
        return probeGradient;
    }

    private double clip(double lambda) {
        return Math.min(settings.maxWeight(), Math.max(settings.minWeight(), lambda));
    }
}
