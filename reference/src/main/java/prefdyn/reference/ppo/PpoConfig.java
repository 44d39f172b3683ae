package prefdyn.reference.ppo;

import prefdyn.reference.tokenizer.ByteTokenizer;
import prefdyn.reference.optim.AdamWSettings;

import java.util.Objects;

/**
 * PPO hyper-parameters, with TRL's names (in parentheses) and defaults ({@code trl/experimental/ppo/ppo_config.py}
 * and {@code TrainingArguments}) unless marked "prefdyn".
 *
 * @param numPpoEpochs     passes over each rollout batch ({@code num_ppo_epochs} = 4)
 * @param numMiniBatches   minibatches per epoch ({@code num_mini_batches} = 1); must divide batchSize
 * @param batchSize        prompts per PPO step ({@code per_device_train_batch_size} 8 × gradient accumulation 1 ×
 *                         num_mini_batches 1 = 8); at least 2, since advantages are whitened over the batch
 * @param cliprange        ε of the clipped surrogate ({@code cliprange} = 0.2)
 * @param cliprangeValue   ε_v of the clipped value loss ({@code cliprange_value} = 0.2)
 * @param vfCoef           value-loss coefficient ({@code vf_coef} = 0.1). With prefdyn's separate critic it only
 *                         scales the critic's gradient (and so, through gradient clipping and Adam's scale
 *                         invariance, matters little); kept for parity with TRL
 * @param gamma            discount γ ({@code gamma} = 1.0)
 * @param lambda           GAE λ ({@code lam} = 0.95)
 * @param klCoef           β_kl, fixed, or the initial value of the adaptive controller ({@code kl_coef} = 0.05)
 * @param klEstimator      estimator in the reward ({@code kl_estimator} = k1); k1 and k3 are both logged
 * @param adaptiveKl       use Ziegler et al.'s adaptive controller (TRL v0.11 {@code adap_kl_ctrl}); current TRL
 *                         has only a fixed coefficient, so the default is false
 * @param klTarget         target KL of the adaptive controller (TRL v0.11 {@code target} = 6)
 * @param klHorizon        horizon of the adaptive controller (TRL v0.11 {@code horizon} = 10000)
 * @param temperature      sampling temperature; must be 1.0 (TRL's default is 0.7, but it rescales its training
 *                         logits by the same temperature; the engine's log-probs are at temperature 1, see
 *                         {@link RolloutCollector})
 * @param responseLength   most new tokens per response ({@code response_length} = 53)
 * @param stopAtEndOfText  end a response at end-of-text (TRL's {@code stop_token = "eos"}; prefdyn default true)
 * @param stopTokenId      the end-of-text id of the policy's tokenizer (TRL's {@code stop_token_id}; default the
 *                         byte-level tokenizer's {@value ByteTokenizer#END_OF_TEXT}): where a response stops, and
 *                         what the {@code val/num_eos_tokens} metric counts
 * @param learningRate     AdamW learning rate of policy and critic ({@code learning_rate} = 3e-6)
 * @param maxGradNorm      global gradient-norm clip, applied to policy and critic separately
 *                         ({@code max_grad_norm} = 1.0); {@code Double.POSITIVE_INFINITY} disables it
 * @param adamW            AdamW β₁, β₂, ε, weight decay (PyTorch defaults, weight decay 0)
 * @param totalSteps       prefdyn: the planned number of PPO steps; only the CONTROLLED schedule uses it (default 1000)
 * @param objective        prefdyn: which surrogate to train (standard or an ablation)
 * @param seed             seed of sampling, minibatch shuffling and prompt order ({@code seed} = 42)
 * @param componentNorms   prefdyn: each minibatch's policy gradient as two backward passes, positive and then
 *                         negative learning, with their norms and cosine in the step's metrics
 *                         ({@code grad_norm/positive}, …); false (the default): one backward pass of the summed
 *                         seeds, the same gradient up to rounding ({@code docs/dynamics.md}, "One backward pass per
 *                         training step")
 * @param adaptiveClipping prefdyn: BAPO's adaptive ratio bounds (Xi et al. 2510.18927; {@link AdaptiveClipping}),
 *                         searched on each minibatch before its update, instead of [1 − ε, 1 + ε]; null (the
 *                         default): the fixed bounds, bit for bit as without the option
 */
public record PpoConfig(int numPpoEpochs, int numMiniBatches, int batchSize, double cliprange,
                        double cliprangeValue, double vfCoef, double gamma, double lambda, double klCoef,
                        KlEstimator klEstimator, boolean adaptiveKl, double klTarget, double klHorizon,
                        double temperature, int responseLength, boolean stopAtEndOfText, int stopTokenId, double learningRate,
                        double maxGradNorm, AdamWSettings adamW, long totalSteps, PpoObjective objective, long seed,
                        boolean componentNorms, AdaptiveClipping adaptiveClipping) {

    public PpoConfig {
        requireAtLeast("numPpoEpochs", numPpoEpochs, 1);
        requireAtLeast("numMiniBatches", numMiniBatches, 1);
        if (batchSize < 2) {
            throw new IllegalArgumentException("batchSize must be at least 2 (advantages are whitened over the "
                    + "rollout batch with an unbiased variance), got " + batchSize);
        }
        if (batchSize % numMiniBatches != 0) {
            throw new IllegalArgumentException("batchSize " + batchSize + " is not divisible by numMiniBatches "
                    + numMiniBatches + " (each minibatch holds batchSize / numMiniBatches sequences)");
        }
        requirePositive("cliprange (ε)", cliprange);
        requirePositive("cliprangeValue (ε_v)", cliprangeValue);
        requirePositive("vfCoef", vfCoef);
        requireUnit("gamma", gamma);
        requireUnit("lambda", lambda);
        if (!(klCoef >= 0) || Double.isInfinite(klCoef)) {
            throw new IllegalArgumentException("klCoef must be finite and >= 0, got " + klCoef);
        }
        Objects.requireNonNull(klEstimator, "klEstimator");
        requirePositive("klTarget", klTarget);
        requirePositive("klHorizon", klHorizon);
        if (temperature != 1.0) {
            throw new IllegalArgumentException("temperature must be 1.0, got " + temperature + ": the engine's "
                    + "log-probs are at temperature 1, so sampling at another temperature would make the PPO ratio "
                    + "compare a distribution that did not generate the tokens");
        }
        requireAtLeast("responseLength", responseLength, 1);
        requireAtLeast("stopTokenId", stopTokenId, 0);
        requirePositive("learningRate", learningRate);
        if (!(maxGradNorm > 0)) {
            throw new IllegalArgumentException("maxGradNorm must be > 0 (infinity disables clipping), got "
                    + maxGradNorm);
        }
        Objects.requireNonNull(adamW, "adamW");
        if (totalSteps < 1) {
            throw new IllegalArgumentException("totalSteps must be at least 1, got " + totalSteps);
        }
        Objects.requireNonNull(objective, "objective");
    }

    /** TRL's defaults (see the component list). */
    public static PpoConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.numPpoEpochs = numPpoEpochs;
        b.numMiniBatches = numMiniBatches;
        b.batchSize = batchSize;
        b.cliprange = cliprange;
        b.cliprangeValue = cliprangeValue;
        b.vfCoef = vfCoef;
        b.gamma = gamma;
        b.lambda = lambda;
        b.klCoef = klCoef;
        b.klEstimator = klEstimator;
        b.adaptiveKl = adaptiveKl;
        b.klTarget = klTarget;
        b.klHorizon = klHorizon;
        b.temperature = temperature;
        b.responseLength = responseLength;
        b.stopAtEndOfText = stopAtEndOfText;
        b.stopTokenId = stopTokenId;
        b.learningRate = learningRate;
        b.maxGradNorm = maxGradNorm;
        b.adamW = adamW;
        b.totalSteps = totalSteps;
        b.objective = objective;
        b.seed = seed;
        b.componentNorms = componentNorms;
        b.adaptiveClipping = adaptiveClipping;
        return b;
    }

    /** The lower ratio bound 1 − ε when BAPO is off. */
    public double clipLow() {
        return 1 - cliprange;
    }

    /** The upper ratio bound 1 + ε when BAPO is off. */
    public double clipHigh() {
        return 1 + cliprange;
    }

    /** Sequences per minibatch: batchSize / numMiniBatches. */
    public int miniBatchSize() {
        return batchSize / numMiniBatches;
    }

    /** A fresh KL controller for this config. */
    public KlController newKlController() {
        return adaptiveKl ? KlController.adaptive(klCoef, klTarget, klHorizon) : KlController.fixed(klCoef);
    }

    private static void requireAtLeast(String name, long value, long minimum) {
        if (value < minimum) {
            throw new IllegalArgumentException(name + " must be at least " + minimum + ", got " + value);
        }
    }

    private static void requirePositive(String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be finite and > 0, got " + value);
        }
    }

    private static void requireUnit(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1], got " + value);
        }
    }

    /** Fluent construction from TRL's defaults; {@link #build} validates. */
    public static final class Builder {
        private int numPpoEpochs = 4;
        private int numMiniBatches = 1;
        private int batchSize = 8;
        private double cliprange = 0.2;
        private double cliprangeValue = 0.2;
        private double vfCoef = 0.1;
        private double gamma = 1.0;
        private double lambda = 0.95;
        private double klCoef = 0.05;
        private KlEstimator klEstimator = KlEstimator.K1;
        private boolean adaptiveKl = false;
        private double klTarget = 6.0;
        private double klHorizon = 10000.0;
        private double temperature = 1.0;
        private int responseLength = 53;
        private boolean stopAtEndOfText = true;
        private int stopTokenId = ByteTokenizer.END_OF_TEXT;
        private double learningRate = 3e-6;
        private double maxGradNorm = 1.0;
        private AdamWSettings adamW = AdamWSettings.defaults();
        private long totalSteps = 1000;
        private PpoObjective objective = PpoObjective.standard();
        private long seed = 42;
        private boolean componentNorms = false;
        private AdaptiveClipping adaptiveClipping;

        private Builder() {
        }

        public Builder numPpoEpochs(int value) { numPpoEpochs = value; return this; }
        public Builder numMiniBatches(int value) { numMiniBatches = value; return this; }
        public Builder batchSize(int value) { batchSize = value; return this; }
        public Builder cliprange(double value) { cliprange = value; return this; }
        public Builder cliprangeValue(double value) { cliprangeValue = value; return this; }
        public Builder vfCoef(double value) { vfCoef = value; return this; }
        public Builder gamma(double value) { gamma = value; return this; }
        public Builder lambda(double value) { lambda = value; return this; }
        public Builder klCoef(double value) { klCoef = value; return this; }
        public Builder klEstimator(KlEstimator value) { klEstimator = value; return this; }
        public Builder adaptiveKl(boolean value) { adaptiveKl = value; return this; }
        public Builder klTarget(double value) { klTarget = value; return this; }
        public Builder klHorizon(double value) { klHorizon = value; return this; }
        public Builder temperature(double value) { temperature = value; return this; }
        public Builder responseLength(int value) { responseLength = value; return this; }
        public Builder stopAtEndOfText(boolean value) { stopAtEndOfText = value; return this; }
        public Builder stopTokenId(int value) { stopTokenId = value; return this; }
        public Builder learningRate(double value) { learningRate = value; return this; }
        public Builder maxGradNorm(double value) { maxGradNorm = value; return this; }
        public Builder adamW(AdamWSettings value) { adamW = value; return this; }
        public Builder totalSteps(long value) { totalSteps = value; return this; }
        public Builder objective(PpoObjective value) { objective = value; return this; }
        public Builder seed(long value) { seed = value; return this; }
        public Builder componentNorms(boolean value) { componentNorms = value; return this; }
        public Builder adaptiveClipping(AdaptiveClipping value) { adaptiveClipping = value; return this; }

        public PpoConfig build() {
            return new PpoConfig(numPpoEpochs, numMiniBatches, batchSize, cliprange, cliprangeValue, vfCoef, gamma,
                    lambda, klCoef, klEstimator, adaptiveKl, klTarget, klHorizon, temperature, responseLength,
                    stopAtEndOfText, stopTokenId, learningRate, maxGradNorm, adamW, totalSteps, objective, seed,
                    componentNorms, adaptiveClipping);
        }
    }
}
