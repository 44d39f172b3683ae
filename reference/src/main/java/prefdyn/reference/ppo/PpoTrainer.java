package prefdyn.reference.ppo;

import prefdyn.reference.data.PromptResponse;
import prefdyn.reference.dynamics.ComponentSeeds;
import prefdyn.reference.dynamics.DecomposedObjective;
import prefdyn.reference.engine.BackwardSeeds;
import prefdyn.reference.engine.ForwardResult;
import prefdyn.reference.engine.PolicyEngine;
import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.model.NonFiniteValueException;
import prefdyn.reference.sampling.SamplingSettings;
import prefdyn.reference.train.ComponentGradients;
import prefdyn.reference.train.DataOrder;

import prefdyn.reference.util.Stats;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * RLHF-style PPO in TRL's order ({@code trl/experimental/ppo/ppo_trainer.py}, paper §3), one {@link #step} per
 * rollout batch:
 * <ol>
 *   <li>take step t's prompts from the seeded {@link DataOrder}; sample a response per prompt with the policy
 *       (temperature 1, {@code responseLength} new tokens, stop at end-of-text) and compute logπ_old, logπ_ref,
 *       V_old and the scores ({@link RolloutCollector});</li>
 *   <li>per-token KL penalty and rewards r_t = −β_kl·k1_t (+ score on the last response token), GAE(γ, λ),
 *       returns, whitening over the batch's response tokens, |Â| tertiles ({@link Experience});</li>
 *   <li>the {@link PpoObjective}'s advantages Â' = w·Â (Â itself for the standard surrogate);</li>
 *   <li>{@code numPpoEpochs} × {@code numMiniBatches}: a seeded shuffle of the rows each epoch; for each minibatch
 *       one AdamW step of the policy on the clipped surrogate and one AdamW step of the critic on
 *       {@code vfCoef}·(clipped value loss), each after global gradient-norm clipping;</li>
 *   <li>update the KL controller with the step's KL and return the metrics ({@code TrainingLoop} writes them to
 *       {@code metrics.jsonl} through {@code MetricsLog} and saves checkpoints).</li>
 * </ol>
 *
 * <p><b>BAPO.</b> With {@link PpoConfig#adaptiveClipping}, each minibatch's ratio bounds are searched by
 * {@link AdaptiveClipping} on that minibatch's ratios ρ = π/π_old and advantages Â' before its update (Xi et al.
 * 2510.18927), instead of [1 − ε, 1 + ε]; the value loss keeps its ε_v. The first minibatch of a step has ρ ≡ 1, so
 * BAPO changes only the later ones; {@link #componentSeeds} (ρ ≡ 1) is the same with or without it.
 *
 * <p><b>Separate critic.</b> The value model is its own engine with its own optimizer state; the policy gradient
 * holds only the policy loss (see {@link RolloutCollector}). TRL instead sums {@code pg_loss + vf_coef·vf_loss}
 * and clips one gradient over both models; here each model's gradient is clipped on its own.
 *
 * <p><b>Positive / negative gradient.</b> Each minibatch's policy gradient is one backward pass of the whole
 * surrogate's seeds. With {@link PpoConfig#componentNorms} it is computed by {@link ComponentGradients} instead: one
 * backward pass seeded with the positive-advantage part of the seeds and one with the negative part
 * ({@link PolicySeeds}); their norms and cosine are logged, and the update uses their sum g⁺ + g⁻ (the gradient of
 * the whole surrogate up to rounding, since backward is linear in its seeds: {@code docs/dynamics.md}, "One
 * backward pass per training step").
 *
 * <p><b>Decomposition for G.</b> {@link #componentSeeds} gives the seeds of step t's surrogate at θ(t) over the
 * whole rollout batch D_t (at θ(t) the ratio is exactly 1, so they are −Â'_t/n, paper §3.2), split into positive
 * and negative learning and the three |Â| tertiles. It collects step t's rollout (deterministic) and keeps it, so
 * that the following {@link #step} trains on the very same rollout.
 *
 * <p><b>Determinism.</b> Prompt order ({@link DataOrder}), sampling and minibatch order come from {@code
 * config.seed()} and the step index only, and the engines are deterministic, so two trainers built from equal
 * engines and configs produce bit-identical parameters.
 *
 * <p><b>Failures.</b> A NaN or infinite score, reward, advantage, return, loss, model output or gradient norm
 * throws {@link NonFiniteValueException} naming the step and the rollout sequence (when one is to blame), before
 * the optimizer step of the minibatch concerned; no metrics are returned for the failed step, but minibatch
 * updates that completed before the failure stay applied to the engines (restore a checkpoint to retry).
 * Checkpointing is left to the caller: {@link #policy()}, {@link #valueModel()} and {@link #klController()} hold
 * all the state besides the step index.
 *
 * <p>Metrics per step (TRL's names unless marked prefdyn): {@code objective/kl} (mean over sequences of Σ_t k1),
 * {@code objective/kl3} (prefdyn: same with k3), {@code objective/entropy} (mean over sequences of Σ_t −logπ_old,
 * TRL's estimate), {@code objective/non_score_reward}, {@code objective/rlhf_reward}, {@code objective/scores},
 * {@code policy/approxkl}, {@code policy/clipfrac}, {@code policy/entropy} (mean per-token entropy during
 * training), {@code loss/policy}, {@code loss/value}, {@code val/ratio}, {@code val/ratio_var},
 * {@code val/clipfrac}, {@code val/num_eos_tokens}, {@code grad_norm} (policy, pre-clip), {@code grad_norm/value},
 * and prefdyn's {@code grad_norm/positive}, {@code grad_norm/negative}, {@code grad_cosine/positive_negative}
 * (only with {@link PpoConfig#componentNorms}), {@code ppo/positive_token_fraction}, {@code ppo/kl_coef} (β_kl used in this step's rewards),
 * {@code ppo/lambda_positive}, {@code ppo/lambda_negative} (the objective's group weights at this step),
 * {@code clip/low}, {@code clip/high}, {@code clip/positive_share} (prefdyn, only with
 * {@link PpoConfig#adaptiveClipping}: BAPO's bounds and the positive tokens' share P/(P+N), averaged over the minibatches, as GRPO logs them),
 * {@code lr}, {@code episode}. Minibatch statistics are averaged over all minibatches of all epochs, as TRL does;
 * token averages are over response tokens only (TRL includes padding in some of them).
 */
public final class PpoTrainer implements DecomposedObjective {

    static final int SAMPLING_STREAM = 0;
    static final int SHUFFLE_STREAM = 1;

    private final PolicyEngine policy;
    private final PolicyEngine reference;
    private final PolicyEngine valueModel;
    private final RewardFunction rewardFunction;
    private final List<int[]> prompts;
    private final PpoConfig config;
    private final RolloutCollector collector;
    private final KlController klController;
    private final DataOrder order;
    private long step;
    private Experience pendingExperience;   // the experience componentSeeds() made for step pendingStep
    private long pendingStep = -1;

    /**
     * @param policy         the model trained by PPO
     * @param reference      a separate, frozen engine (the initial policy); never stepped
     * @param valueModel     the critic: a separate engine whose config has a value head
     * @param rewardFunction the scores (a {@link RewardModelScorer} or any function of the text)
     * @param prompts        [N] the prompt dataset, visited in the seeded order of {@link DataOrder}; each prompt
     *                       non-empty and shorter than the policy's context length
     * @param config         hyper-parameters
     */
    public PpoTrainer(PolicyEngine policy, PolicyEngine reference, PolicyEngine valueModel,
                      RewardFunction rewardFunction, List<int[]> prompts, PpoConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.collector = new RolloutCollector(policy, reference, valueModel, rewardFunction,
                new SamplingSettings(config.temperature(), config.responseLength(), config.stopAtEndOfText(),
                        config.stopTokenId()));
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("the prompt dataset is empty");
        }
        int contextLength = policy.config().contextLength();
        List<int[]> copies = new ArrayList<>(prompts.size());
        for (int i = 0; i < prompts.size(); i++) {
            int[] prompt = prompts.get(i);
            if (prompt == null || prompt.length == 0) {
                throw new IllegalArgumentException("prompt " + i + " of the dataset is empty: position 0 is never "
                        + "predicted, so a prompt needs at least one token");
            }
            if (prompt.length >= contextLength) {
                throw new IllegalArgumentException("prompt " + i + " of the dataset has " + prompt.length
                        + " tokens, leaving no room for a response in the context length " + contextLength);
            }
            copies.add(prompt.clone());
        }
        this.policy = policy;
        this.reference = reference;
        this.valueModel = valueModel;
        this.rewardFunction = rewardFunction;
        this.prompts = List.copyOf(copies);
        this.klController = config.newKlController();
        this.order = new DataOrder(prompts.size(), config.batchSize(), config.seed());
    }

    /** The index t of the next step. */
    @Override
    public long currentStep() {
        return step;
    }

    /** The prompts of step t's rollout, in row order. */
    public List<int[]> batchPrompts(long t) {
        List<int[]> batch = new ArrayList<>(config.batchSize());
        for (int index : order.batch(t)) {
            batch.add(prompts.get(index).clone());
        }
        return batch;
    }

    /** Performs step t and returns its metrics. */
    @Override
    public Map<String, Object> step() {
        return new LinkedHashMap<>(trainStep().metrics());
    }

    /** Performs step t and returns its metrics together with the rollout and advantages it trained on. */
    public PpoStepResult trainStep() {
        long t = step;
        Experience experience = experience(t);
        pendingExperience = null;
        pendingStep = -1;
        boolean[][] mask = experience.rollout().mask();
        double[][] trainingAdvantages = trainingAdvantages(experience, t);

        MinibatchTotals totals = new MinibatchTotals();
        SplittableRandom shuffle = new SplittableRandom(streamSeed(config.seed(), t, SHUFFLE_STREAM));
        int miniBatchSize = config.miniBatchSize();
        for (int epoch = 0; epoch < config.numPpoEpochs(); epoch++) {
            int[] rowOrder = permutation(config.batchSize(), shuffle);
            for (int m = 0; m < config.numMiniBatches(); m++) {
                int[] rows = Arrays.copyOfRange(rowOrder, m * miniBatchSize, (m + 1) * miniBatchSize);
                trainMinibatch(t, "epoch " + epoch + ", minibatch " + m, experience, trainingAdvantages, rows, totals);
            }
        }

        double meanKl = KlPenalty.meanSequenceSum(experience.k1(), mask);
        Map<String, Double> metrics = metrics(t, experience, totals, meanKl);
        klController.update(meanKl, config.batchSize());
        step++;
        return new PpoStepResult(t, experience, metrics);
    }

    /**
     * The seeds of step t's surrogate at the current parameters θ(t), over the whole rollout batch D_t, and their
     * split: positive (Â' &gt; 0) and negative (Â' ≤ 0) learning and the |Â| tertiles of the batch. The policy's
     * most recent forward is D_t's, so the seeds can go straight into {@code policy().backward}. Parameters,
     * optimizers, KL coefficient and step index are left unchanged.
     */
    @Override
    public ComponentSeeds componentSeeds() {
        long t = step;
        Experience experience = experience(t);
        pendingExperience = experience;
        pendingStep = t;
        Rollout rollout = experience.rollout();
        ForwardResult forward = forward(policy, rollout.batch(), t, null, "decomposition");
        PolicyLossResult loss;
        try {
            loss = PpoLoss.policyLoss(forward.tokenLogProbs(), rollout.oldLogProbs(), trainingAdvantages(experience, t),
                    rollout.mask(), experience.tertiles(), config.cliprange());
        } catch (NonFiniteValueException e) {
            throw atStep(t, null, "decomposition", e);
        }
        PolicySeeds seeds = loss.seeds();
        Map<String, Double> statistics = new LinkedHashMap<>();
        statistics.put("loss/policy", loss.loss());
        statistics.put("objective/scores", Stats.mean(rollout.scores()));
        statistics.put("objective/kl", KlPenalty.meanSequenceSum(experience.k1(), rollout.mask()));
        statistics.put("ppo/positive_token_fraction", experience.positiveTokenFraction());
        statistics.put("ppo/mean_abs_advantage", PpoObjective.meanAbsolute(experience.advantages(), rollout.mask()));
        return new ComponentSeeds(BackwardSeeds.ofTokenLogProbs(seeds.total()),
                BackwardSeeds.ofTokenLogProbs(seeds.positive()), BackwardSeeds.ofTokenLogProbs(seeds.negative()),
                new BackwardSeeds[] {BackwardSeeds.ofTokenLogProbs(seeds.bottom()),
                        BackwardSeeds.ofTokenLogProbs(seeds.middle()), BackwardSeeds.ofTokenLogProbs(seeds.top())},
                statistics);
    }

    /** Step t's rollout and advantages: the one {@link #componentSeeds} kept, or a fresh (identical) one. */
    private Experience experience(long t) {
        if (pendingExperience != null && pendingStep == t) {
            return pendingExperience;
        }
        Rollout rollout;
        try {
            rollout = collector.collect(batchPrompts(t), streamSeed(config.seed(), t, SAMPLING_STREAM));
        } catch (NonFiniteValueException e) {
            throw atStep(t, null, "rollout", e);
        }
        Experience experience;
        try {
            experience = Experience.of(rollout, klController.coefficient(), config.klEstimator(), config.gamma(),
                    config.lambda());
        } catch (NonFiniteValueException e) {
            throw atStep(t, null, "advantages", e);
        }
        return experience;
    }

    private double[][] trainingAdvantages(Experience experience, long t) {
        return config.objective().advantages(experience.advantages(), experience.rollout().mask(),
                experience.tertiles(), t, config.totalSteps());
    }

    /** One policy update and one critic update on the rows {@code rows} of the rollout batch. */
    private void trainMinibatch(long t, String where, Experience experience, double[][] trainingAdvantages,
                                int[] rows, MinibatchTotals totals) {
        Rollout rollout = experience.rollout();
        TokenBatch batch = selectRows(rollout.batch(), rows);
        boolean[][] mask = batch.responseMask();

        // Policy: clipped surrogate; one backward pass, or g⁺ + g⁻ when the component norms are asked for.
        ForwardResult forward = forward(policy, batch, t, rows, where);
        double[][] oldLogProbs = select(rollout.oldLogProbs(), rows);
        double[][] advantages = select(trainingAdvantages, rows);
        PolicyLossResult policyLoss;
        AdaptiveClipping.Bounds bounds = null;
        try {
            if (config.adaptiveClipping() == null) {
                policyLoss = PpoLoss.policyLoss(forward.tokenLogProbs(), oldLogProbs, advantages, mask,
                        select(experience.tertiles(), rows), config.cliprange());
            } else {
                bounds = config.adaptiveClipping().search(ratios(forward.tokenLogProbs(), oldLogProbs, mask),
                        advantages, mask);
                policyLoss = PpoLoss.policyLoss(forward.tokenLogProbs(), oldLogProbs, advantages, mask,
                        select(experience.tertiles(), rows), bounds.low(), bounds.high());
            }
        } catch (NonFiniteValueException e) {
            throw atStep(t, rows, where, e);
        }
        ComponentGradients components = null;
        if (config.componentNorms()) {
            components = ComponentGradients.accumulate(policy,
                    BackwardSeeds.ofTokenLogProbs(policyLoss.seeds().positive()),
                    BackwardSeeds.ofTokenLogProbs(policyLoss.seeds().negative()));
        } else {
            policy.zeroGradients();
            policy.backward(BackwardSeeds.ofTokenLogProbs(policyLoss.seeds().total()));
        }
        double policyNorm = policy.clipGradientNorm(config.maxGradNorm());
        requireFiniteNorm(t, rows, where, "policy", policyNorm);
        policy.adamWStep(config.adamW(), config.learningRate());

        // Critic: vf_coef · clipped value loss, on V(s_t) read at position t − 1.
        ForwardResult valueForward = forward(valueModel, batch, t, rows, where);
        double[][] values = ValueAlignment.stateValues(valueForward.values(), mask);
        ValueLossResult valueLoss;
        try {
            valueLoss = PpoLoss.valueLoss(values, select(rollout.oldValues(), rows), select(experience.returns(), rows),
                    mask, config.cliprangeValue());
        } catch (NonFiniteValueException e) {
            throw atStep(t, rows, where, e);
        }
        double[][] stateSeeds = valueLoss.seeds();
        for (double[] row : stateSeeds) {
            for (int i = 0; i < row.length; i++) {
                row[i] *= config.vfCoef();
            }
        }
        valueModel.zeroGradients();
        valueModel.backward(new BackwardSeeds(null, ValueAlignment.outputSeeds(stateSeeds, mask), null));
        double valueNorm = valueModel.clipGradientNorm(config.maxGradNorm());
        requireFiniteNorm(t, rows, where, "value model", valueNorm);
        valueModel.adamWStep(config.adamW(), config.learningRate());

        totals.add(policyLoss, valueLoss, AdvantageWhitening.maskedMean(forward.entropies(), mask), policyNorm,
                valueNorm, components, bounds);
    }

    /**
     * [B][W] ρ_t = exp(logπ − logπ_old) on the response tokens (0 elsewhere), as BAPO's search sees them.
     *
     * @param logProbs    [B][W] logπ of the current parameters
     * @param oldLogProbs [B][W] logπ_old of the rollout
     * @param mask        [B][W] response tokens
     */
    static double[][] ratios(double[][] logProbs, double[][] oldLogProbs, boolean[][] mask) {
        double[][] ratios = new double[mask.length][];
        for (int b = 0; b < mask.length; b++) {
            ratios[b] = new double[mask[b].length];
            for (int t = 0; t < mask[b].length; t++) {
                ratios[b][t] = mask[b][t] ? Math.exp(logProbs[b][t] - oldLogProbs[b][t]) : 0.0;
            }
        }
        return ratios;
    }

    private Map<String, Double> metrics(long t, Experience experience, MinibatchTotals totals, double meanKl) {
        Rollout rollout = experience.rollout();
        boolean[][] mask = rollout.mask();
        double nonScoreReward = KlPenalty.meanSequenceSum(experience.nonScoreRewards(), mask);
        double meanScore = Stats.mean(rollout.scores());
        double negativeLogProbs = 0;
        for (int b = 0; b < mask.length; b++) {
            for (int i = 0; i < mask[b].length; i++) {
                if (mask[b][i]) {
                    negativeLogProbs -= rollout.oldLogProbs()[b][i];
                }
            }
        }
        int endOfTextTokens = 0;
        for (PromptResponse sequence : rollout.sequences()) {
            for (int token : sequence.response()) {
                if (token == config.stopTokenId()) {
                    endOfTextTokens++;
                }
            }
        }
        int n = totals.count;
        double meanRatio = totals.ratio / n;
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("objective/kl", meanKl);
        metrics.put("objective/kl3", KlPenalty.meanSequenceSum(experience.k3(), mask));
        metrics.put("objective/entropy", negativeLogProbs / mask.length);
        metrics.put("objective/non_score_reward", nonScoreReward);
        metrics.put("objective/rlhf_reward", nonScoreReward + meanScore);
        metrics.put("objective/scores", meanScore);
        metrics.put("policy/approxkl", totals.approxKl / n);
        metrics.put("policy/clipfrac", totals.policyClipFraction / n);
        metrics.put("policy/entropy", totals.entropy / n);
        metrics.put("loss/policy", totals.policyLoss / n);
        metrics.put("loss/value", totals.valueLoss / n);
        metrics.put("val/ratio", meanRatio);
        metrics.put("val/ratio_var", n > 1 ? Math.max(0.0, (totals.ratioSquares - n * meanRatio * meanRatio) / (n - 1))
                : 0.0);
        metrics.put("val/clipfrac", totals.valueClipFraction / n);
        metrics.put("val/num_eos_tokens", (double) endOfTextTokens);
        metrics.put("grad_norm", totals.policyNorm / n);
        metrics.put("grad_norm/value", totals.valueNorm / n);
        if (config.componentNorms()) {
            metrics.put("grad_norm/positive", totals.positiveNorm / n);
            metrics.put("grad_norm/negative", totals.negativeNorm / n);
            metrics.put("grad_cosine/positive_negative", totals.cosine / n);
        }
        if (config.adaptiveClipping() != null) {   // BAPO's bounds and P/(P+N), as GRPO's; absent without BAPO
            metrics.put("clip/low", totals.clipLow / n);
            metrics.put("clip/high", totals.clipHigh / n);
            metrics.put("clip/positive_share", totals.positiveShare / n);
        }
        metrics.put("ppo/positive_token_fraction", experience.positiveTokenFraction());
        metrics.put("ppo/kl_coef", experience.klCoefficient());
        metrics.put("ppo/lambda_positive", config.objective().positiveWeight(t, config.totalSteps()));
        metrics.put("ppo/lambda_negative", config.objective().negativeWeight(t, config.totalSteps()));
        metrics.put("lr", config.learningRate());
        metrics.put("episode", (double) ((t + 1) * config.batchSize()));
        return metrics;
    }

    /** Sums of the per-minibatch statistics of one step (TRL's {@code stats} tensors, averaged at the end). */
    private static final class MinibatchTotals {
        int count;
        double policyLoss, valueLoss, approxKl, policyClipFraction, valueClipFraction, ratio, ratioSquares, entropy;
        double policyNorm, valueNorm, positiveNorm, negativeNorm, cosine, clipLow, clipHigh, positiveShare;

        /**
         * @param components the minibatch's two measured parts, or null after one backward pass
         * @param bounds     BAPO's bounds of the minibatch, or null without BAPO
         */
        void add(PolicyLossResult policy, ValueLossResult value, double meanEntropy, double policyNorm,
                 double valueNorm, ComponentGradients components, AdaptiveClipping.Bounds bounds) {
            count++;
            policyLoss += policy.loss();
            valueLoss += value.loss();
            approxKl += policy.approxKl();
            policyClipFraction += policy.clipFraction();
            valueClipFraction += value.clipFraction();
            ratio += policy.meanRatio();
            ratioSquares += policy.meanRatio() * policy.meanRatio();
            entropy += meanEntropy;
            this.policyNorm += policyNorm;
            this.valueNorm += valueNorm;
            if (components != null) {
                positiveNorm += components.positiveNorm();
                negativeNorm += components.negativeNorm();
                cosine += components.cosine();
            }
            if (bounds != null) {
                clipLow += bounds.low();
                clipHigh += bounds.high();
                positiveShare += bounds.positiveShare();
            }
        }
    }

    private static ForwardResult forward(PolicyEngine engine, TokenBatch batch, long t, int[] rows, String where) {
        try {
            return engine.forward(batch);
        } catch (NonFiniteValueException e) {
            throw atStep(t, rows, where, e);
        }
    }

    private static void requireFiniteNorm(long t, int[] rows, String where, String model, double norm) {
        if (!Double.isFinite(norm)) {
            throw new NonFiniteValueException("PPO step " + t + ", " + where + ": the " + model
                    + " gradient norm is " + norm + " (rollout sequences " + Arrays.toString(rows)
                    + "); no update was applied for this minibatch", -1);
        }
    }

    /** Re-throws with the step and, when {@code rows} maps minibatch rows to rollout rows, the rollout sequence. */
    private static NonFiniteValueException atStep(long t, int[] rows, String where, NonFiniteValueException e) {
        int sequence = e.sequence();
        String location;
        if (sequence >= 0 && rows != null) {
            location = "rollout sequence " + rows[sequence] + " (row " + sequence + " of the minibatch)";
            sequence = rows[sequence];
        } else if (sequence >= 0) {
            location = "sequence " + sequence;
        } else {
            location = "no single sequence";
        }
        NonFiniteValueException wrapped = new NonFiniteValueException("PPO step " + t + ", " + where + ", "
                + location + ": " + e.getMessage(), sequence);
        wrapped.initCause(e);
        return wrapped;
    }

    /** A seed for one purpose at one step, derived from the run's seed only. */
    static long streamSeed(long seed, long index, int purpose) {
        return new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (index + 1)) ^ (0xC2B2AE3D27D4EB4FL * (purpose + 1)))
                .nextLong();
    }

    /** A Fisher–Yates shuffle of 0 … n−1. */
    static int[] permutation(int n, SplittableRandom random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }

    private static TokenBatch selectRows(TokenBatch batch, int[] rows) {
        int[][] tokens = new int[rows.length][];
        int[] lengths = new int[rows.length];
        boolean[][] mask = new boolean[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            tokens[i] = batch.tokens()[rows[i]].clone();
            lengths[i] = batch.lengths()[rows[i]];
            mask[i] = batch.responseMask()[rows[i]].clone();
        }
        return new TokenBatch(tokens, lengths, mask);
    }

    private static double[][] select(double[][] x, int[] rows) {
        double[][] selected = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            selected[i] = x[rows[i]].clone();
        }
        return selected;
    }

    private static int[][] select(int[][] x, int[] rows) {
        int[][] selected = new int[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            selected[i] = x[rows[i]].clone();
        }
        return selected;
    }

    @Override
    public PolicyEngine policy() {
        return policy;
    }

    public PolicyEngine reference() {
        return reference;
    }

    public PolicyEngine valueModel() {
        return valueModel;
    }

    public RewardFunction rewardFunction() {
        return rewardFunction;
    }

    public PpoConfig config() {
        return config;
    }

    public KlController klController() {
        return klController;
    }

    /** The policy and the value model, both trained by AdamW. */
    @Override
    public Map<String, PolicyEngine> trainedEngines() {
        Map<String, PolicyEngine> engines = new LinkedHashMap<>();
        engines.put("policy", policy);
        engines.put("value_model", valueModel);
        return engines;
    }

    /** β_kl after the steps so far (the adaptive controller changes it each step). */
    @Override
    public State state() {
        return new State(Map.of(), Map.of("kl_coef", new double[] {klController.coefficient()}));
    }

    @Override
    public void resumeAt(long resumedStep, State state) {
        double[] coefficient = state.arrays().get("kl_coef");
        if (coefficient == null || coefficient.length != 1) {
            throw new IllegalArgumentException("the resume point holds no KL coefficient");
        }
        klController.restoreCoefficient(coefficient[0]);
        step = resumedStep;
        pendingExperience = null;
        pendingStep = -1;
    }

    public RolloutCollector collector() {
        return collector;
    }
}
