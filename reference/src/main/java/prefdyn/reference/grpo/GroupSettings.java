package prefdyn.reference.grpo;

import prefdyn.reference.optim.AdamWSettings;
import prefdyn.reference.ppo.AdaptiveClipping;
import prefdyn.reference.ppo.PpoObjective;
import prefdyn.reference.tokenizer.ByteTokenizer;

import java.util.Objects;

/**
 * The settings GRPO and RLOO share, with TRL's names (in parentheses) and defaults ({@code trl/trainer/grpo_config.py},
 * {@code rloo_config.py}) unless marked "prefdyn". One prefdyn step is one generation batch: its completions are
 * sampled once and then trained on {@code numIterations} times, one optimizer step over the whole batch each time
 * (TRL with {@code steps_per_generation = gradient_accumulation_steps}).
 *
 * @param numGenerations      G, completions per prompt ({@code num_generations}: GRPO 8, RLOO 2); at least 2
 * @param generationBatchSize completions per step ({@code generation_batch_size} = per-device batch 8 × steps per
 *                            generation 1); a multiple of G
 * @param epsilon             ε, the lower clip c_low = 1 − ε ({@code epsilon} = 0.2)
 * @param epsilonHigh         the upper clip c_high = 1 + ε_high ({@code epsilon_high}; TRL's None means ε)
 * @param numIterations       μ, updates per generation batch ({@code num_iterations} = 1)
 * @param maxCompletionLength most new tokens per completion ({@code max_completion_length} = 512; also Dr. GRPO's
 *                            normaliser)
 * @param temperature         sampling temperature ({@code temperature} = 1.0); must be 1.0 (see the PPO rollout)
 * @param stopAtEndOfText     end a completion at end-of-text (prefdyn, default true)
 * @param stopTokenId         the end-of-text id of the policy's tokenizer (TRL: the processing class's
 *                            {@code eos_token_id}; default the byte-level tokenizer's
 *                            {@value ByteTokenizer#END_OF_TEXT}): where a completion stops, and what
 *                            {@code completions/clipped_ratio} looks for
 * @param learningRate        AdamW learning rate ({@code learning_rate} = 1e-6)
 * @param maxGradNorm         global gradient-norm clip ({@code max_grad_norm} = 1.0)
 * @param adamW               AdamW β₁, β₂, ε, weight decay
 * @param adaptiveClipping    prefdyn: BAPO's adaptive bounds instead of [1 − ε, 1 + ε_high], or null (off)
 * @param totalSteps          prefdyn: planned steps, for the CONTROLLED variant's schedule (default 1000)
 * @param objective           prefdyn: which surrogate (standard or an ablation, as for PPO)
 * @param seed                seed of sampling and prompt order ({@code seed} = 42)
 * @param componentNorms      prefdyn: each update's gradient as two backward passes, positive and then negative
 *                            learning, with their norms and cosine in the step's metrics ({@code grad_norm/positive},
 *                            …); false (the default): one backward pass of the summed seeds, the same gradient up to
 *                            rounding ({@code docs/dynamics.md}, "One backward pass per training step")
 */
public record GroupSettings(int numGenerations, int generationBatchSize, double epsilon, double epsilonHigh,
                            int numIterations, int maxCompletionLength, double temperature, boolean stopAtEndOfText,
                            int stopTokenId, double learningRate, double maxGradNorm, AdamWSettings adamW,
                            AdaptiveClipping adaptiveClipping, long totalSteps, PpoObjective objective, long seed,
                            boolean componentNorms) {

    public GroupSettings {
        if (numGenerations < 2) {
            throw new IllegalArgumentException("numGenerations (num_generations) must be at least 2, got "
                    + numGenerations + ": group-relative advantages compare completions of the same prompt");
        }
        if (generationBatchSize < numGenerations || generationBatchSize % numGenerations != 0) {
            throw new IllegalArgumentException("generationBatchSize (generation_batch_size) " + generationBatchSize
                    + " must be a positive multiple of numGenerations " + numGenerations);
        }
        if (!(epsilon > 0 && epsilon < 1)) {
            throw new IllegalArgumentException("epsilon must be in (0, 1), got " + epsilon);
        }
        if (!(epsilonHigh > 0) || Double.isInfinite(epsilonHigh)) {
            throw new IllegalArgumentException("epsilonHigh (epsilon_high) must be finite and > 0, got " + epsilonHigh);
        }
        if (numIterations < 1) {
            throw new IllegalArgumentException("numIterations (num_iterations) must be at least 1, got " + numIterations);
        }
        if (maxCompletionLength < 1) {
            throw new IllegalArgumentException("maxCompletionLength (max_completion_length) must be at least 1, got "
                    + maxCompletionLength);
        }
        if (temperature != 1.0) {
            throw new IllegalArgumentException("temperature must be 1.0, got " + temperature + ": the engine's "
                    + "log-probs are at temperature 1, so the ratio π/π_old needs samples at temperature 1");
        }
        if (stopTokenId < 0) {
            throw new IllegalArgumentException("stopTokenId must be a token id (>= 0), got " + stopTokenId);
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be finite and > 0, got " + learningRate);
        }
        if (!(maxGradNorm > 0)) {
            throw new IllegalArgumentException("maxGradNorm must be > 0 (infinity disables clipping), got " + maxGradNorm);
        }
        Objects.requireNonNull(adamW, "adamW");
        if (totalSteps < 1) {
            throw new IllegalArgumentException("totalSteps must be at least 1, got " + totalSteps);
        }
        Objects.requireNonNull(objective, "objective");
    }

    /** Prompts per step: generationBatchSize / numGenerations. */
    public int promptsPerStep() {
        return generationBatchSize / numGenerations;
    }

    /** The lower ratio bound 1 − ε when BAPO is off. */
    public double clipLow() {
        return 1 - epsilon;
    }

    /** The upper ratio bound 1 + ε_high when BAPO is off. */
    public double clipHigh() {
        return 1 + epsilonHigh;
    }

    /** TRL's GRPO defaults. */
    public static Builder grpoDefaults() {
        return new Builder(8);
    }

    /** TRL's RLOO defaults. */
    public static Builder rlooDefaults() {
        return new Builder(2);
    }

    /** Fluent construction; ε_high follows ε unless set. */
    public static final class Builder {
        private int numGenerations;
        private int generationBatchSize = 8;
        private double epsilon = 0.2;
        private Double epsilonHigh;
        private int numIterations = 1;
        private int maxCompletionLength = 512;
        private double temperature = 1.0;
        private boolean stopAtEndOfText = true;
        private int stopTokenId = ByteTokenizer.END_OF_TEXT;
        private double learningRate = 1e-6;
        private double maxGradNorm = 1.0;
        private AdamWSettings adamW = AdamWSettings.defaults();
        private AdaptiveClipping adaptiveClipping;
        private long totalSteps = 1000;
        private PpoObjective objective = PpoObjective.standard();
        private long seed = 42;
        private boolean componentNorms = false;

        private Builder(int numGenerations) {
            this.numGenerations = numGenerations;
        }

        public Builder numGenerations(int value) { numGenerations = value; return this; }
        public Builder generationBatchSize(int value) { generationBatchSize = value; return this; }
        public Builder epsilon(double value) { epsilon = value; return this; }
        public Builder epsilonHigh(double value) { epsilonHigh = value; return this; }
        public Builder numIterations(int value) { numIterations = value; return this; }
        public Builder maxCompletionLength(int value) { maxCompletionLength = value; return this; }
        public Builder temperature(double value) { temperature = value; return this; }
        public Builder stopAtEndOfText(boolean value) { stopAtEndOfText = value; return this; }
        public Builder stopTokenId(int value) { stopTokenId = value; return this; }
        public Builder learningRate(double value) { learningRate = value; return this; }
        public Builder maxGradNorm(double value) { maxGradNorm = value; return this; }
        public Builder adamW(AdamWSettings value) { adamW = value; return this; }
        public Builder adaptiveClipping(AdaptiveClipping value) { adaptiveClipping = value; return this; }
        public Builder totalSteps(long value) { totalSteps = value; return this; }
        public Builder objective(PpoObjective value) { objective = value; return this; }
        public Builder seed(long value) { seed = value; return this; }
        public Builder componentNorms(boolean value) { componentNorms = value; return this; }

        public GroupSettings build() {
            return new GroupSettings(numGenerations, generationBatchSize, epsilon,
                    epsilonHigh == null ? epsilon : epsilonHigh, numIterations, maxCompletionLength, temperature,
                    stopAtEndOfText, stopTokenId, learningRate, maxGradNorm, adamW, adaptiveClipping, totalSteps,
                    objective, seed, componentNorms);
        }
    }
}
