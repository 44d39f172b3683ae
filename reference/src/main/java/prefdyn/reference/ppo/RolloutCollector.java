package prefdyn.reference.ppo;

import prefdyn.reference.data.PromptResponse;
import prefdyn.reference.data.SequenceBatches;
import prefdyn.reference.engine.ForwardResult;
import prefdyn.reference.engine.PolicyEngine;
import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.model.NonFiniteValueException;
import prefdyn.reference.sampling.Sampler;
import prefdyn.reference.sampling.SamplingSettings;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * PPO's rollout phase (TRL's {@code train()} steps 1–4): sample a response for each prompt with the policy, then
 * compute, for the sampled tokens, the policy's and the reference's log-probs, the critic's values and the reward
 * scores.
 *
 * <p>Four separate models, as in current TRL: the policy (trained), a frozen reference, a critic (value model,
 * trained by the trainer with its own optimizer) and the reward function. <b>Decision:</b> the critic is a
 * separate {@link PolicyEngine} with a value head, not a value head on the policy, so the policy's gradient
 * contains only the policy loss (no value-loss term leaks into the policy parameters, and G of the policy is a
 * property of the surrogate alone).
 *
 * <p>Temperature: the engine's log-probs are those of the unscaled logits (temperature 1), and PPO's ratio ρ needs
 * logπ_old to be the log-prob under the distribution that actually sampled the token. TRL achieves this by
 * dividing its training logits by the sampling temperature; the engine has no such option, so sampling must be at
 * temperature 1 and other temperatures are refused.
 */
public final class RolloutCollector {

    private final PolicyEngine policy;
    private final PolicyEngine reference;
    private final PolicyEngine valueModel;
    private final RewardFunction rewardFunction;
    private final SamplingSettings sampling;

    /**
     * A collector with no critic (GRPO, RLOO): the rollout's {@code oldValues} are all 0.
     *
     * @throws IllegalArgumentException as the full constructor, for the policy and the reference
     */
    public static RolloutCollector withoutCritic(PolicyEngine policy, PolicyEngine reference,
                                                 RewardFunction rewardFunction, SamplingSettings sampling) {
        return new RolloutCollector(policy, reference, null, rewardFunction, sampling, false);
    }

    /**
     * @throws IllegalArgumentException when the reference or the critic is the policy object itself, the critic is
     *                                  the reference, the critic has no value head, the vocabularies differ, a
     *                                  model has a shorter context than the policy, or the temperature is not 1
     */
    public RolloutCollector(PolicyEngine policy, PolicyEngine reference, PolicyEngine valueModel,
                            RewardFunction rewardFunction, SamplingSettings sampling) {
        this(policy, reference, Objects.requireNonNull(valueModel, "valueModel"), rewardFunction, sampling, true);
    }

    private RolloutCollector(PolicyEngine policy, PolicyEngine reference, PolicyEngine valueModel,
                             RewardFunction rewardFunction, SamplingSettings sampling, boolean withCritic) {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(rewardFunction, "rewardFunction");
        Objects.requireNonNull(sampling, "sampling");
        if (reference == policy) {
            throw new IllegalArgumentException("the reference model is the policy object itself: PPO's KL penalty "
                    + "needs a separate, frozen copy of the initial policy (e.g. a second engine with the same "
                    + "parameters)");
        }
        if (withCritic && valueModel == policy) {
            throw new IllegalArgumentException("the value model is the policy object itself: prefdyn's PPO uses a "
                    + "separate critic engine (with a value head) so that the policy gradient holds only the policy loss");
        }
        if (withCritic && valueModel == reference) {
            throw new IllegalArgumentException("the value model is the reference object: the critic is trained, the "
                    + "reference must stay frozen; pass two separate engines");
        }
        if (withCritic && !valueModel.config().valueHead()) {
            throw new IllegalArgumentException("the value model needs a value head (GptConfig.valueHead), but its "
                    + "config has none: " + valueModel.config());
        }
        requireCompatible("reference", reference, policy);
        if (withCritic) {
            requireCompatible("value model", valueModel, policy);
        }
        if (sampling.temperature() != 1.0) {
            throw new IllegalArgumentException("PPO samples at temperature 1.0 only, got " + sampling.temperature()
                    + ": the engine's log-probs are at temperature 1, so any other sampling temperature would make "
                    + "the ratio π/π_old compare a distribution that did not generate the tokens");
        }
        this.policy = policy;
        this.reference = reference;
        this.valueModel = valueModel;
        this.rewardFunction = rewardFunction;
        this.sampling = sampling;
    }

    /**
     * Samples one response per prompt, then {@link #evaluate}s them.
     *
     * @param prompts [N] prompt ids, each non-empty and shorter than the context length
     * @param seed    the sampling seed (prompt i uses the i-th split stream, see {@link Sampler})
     */
    public Rollout collect(List<int[]> prompts, long seed) {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("a rollout needs at least one prompt");
        }
        for (int i = 0; i < prompts.size(); i++) {
            if (prompts.get(i).length == 0) {
                throw new IllegalArgumentException("prompt " + i + " is empty: position 0 is never predicted, so a "
                        + "prompt needs at least one token");
            }
        }
        List<int[]> responses = Sampler.generate(policy, prompts, sampling, seed);
        List<PromptResponse> sequences = new ArrayList<>(prompts.size());
        for (int i = 0; i < prompts.size(); i++) {
            sequences.add(new PromptResponse(prompts.get(i), responses.get(i)));
        }
        return evaluate(sequences);
    }

    /**
     * Log-probs, values and scores of given sequences (no sampling): what {@link #collect} does after generation.
     *
     * @param sequences [N] prompt/response pairs
     * @throws NonFiniteValueException naming the sequence, when a score is NaN or infinite (or a model output is)
     */
    public Rollout evaluate(List<PromptResponse> sequences) {
        TokenBatch batch = SequenceBatches.of(sequences, policy.config().contextLength());
        boolean[][] mask = batch.responseMask();
        ForwardResult policyResult = policy.forward(batch);
        ForwardResult referenceResult = reference.forward(batch);
        double[][] oldValues = valueModel == null ? new double[mask.length][]
                : ValueAlignment.stateValues(valueModel.forward(batch).values(), mask);
        for (int b = 0; valueModel == null && b < mask.length; b++) {
            oldValues[b] = new double[mask[b].length];
        }
        double[] scores = rewardFunction.score(sequences);
        if (scores == null || scores.length != sequences.size()) {
            throw new IllegalArgumentException("the reward function returned " + (scores == null ? "null"
                    : scores.length + " scores") + " for " + sequences.size() + " sequences");
        }
        scores = scores.clone();
        for (int b = 0; b < scores.length; b++) {
            if (!Double.isFinite(scores[b])) {
                throw new NonFiniteValueException("non-finite reward score (" + scores[b] + ") for sequence " + b, b);
            }
        }
        return new Rollout(sequences, batch, masked(policyResult.tokenLogProbs(), mask),
                masked(referenceResult.tokenLogProbs(), mask), masked(policyResult.entropies(), mask),
                oldValues, scores);
    }

    public SamplingSettings sampling() {
        return sampling;
    }

    /** Keeps the entries of {@code x} [B][W] where {@code mask} [B][W] is true, 0 elsewhere. */
    static double[][] masked(double[][] x, boolean[][] mask) {
        double[][] result = new double[mask.length][];
        for (int b = 0; b < mask.length; b++) {
            result[b] = new double[mask[b].length];
            for (int t = 0; t < mask[b].length; t++) {
                if (mask[b][t]) {
                    result[b][t] = x[b][t];
                }
            }
        }
        return result;
    }

    private static void requireCompatible(String name, PolicyEngine model, PolicyEngine policy) {
        if (model.config().vocabSize() != policy.config().vocabSize()) {
            throw new IllegalArgumentException("the " + name + " has vocabulary size " + model.config().vocabSize()
                    + " but the policy has " + policy.config().vocabSize() + "; they must read the same tokens");
        }
        if (model.config().contextLength() < policy.config().contextLength()) {
            throw new IllegalArgumentException("the " + name + " has context length " + model.config().contextLength()
                    + ", shorter than the policy's " + policy.config().contextLength());
        }
    }
}
