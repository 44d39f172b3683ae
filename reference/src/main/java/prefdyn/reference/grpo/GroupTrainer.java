package prefdyn.reference.grpo;

import prefdyn.reference.data.PromptResponse;
import prefdyn.reference.dynamics.ComponentSeeds;
import prefdyn.reference.dynamics.DecomposedObjective;
import prefdyn.reference.engine.BackwardSeeds;
import prefdyn.reference.engine.ForwardResult;
import prefdyn.reference.engine.PolicyEngine;
import prefdyn.reference.model.NonFiniteValueException;
import prefdyn.reference.ppo.AdaptiveClipping;
import prefdyn.reference.ppo.AdvantageTertiles;
import prefdyn.reference.ppo.AdvantageWhitening;
import prefdyn.reference.ppo.PolicySeeds;
import prefdyn.reference.ppo.RewardFunction;
import prefdyn.reference.ppo.Rollout;
import prefdyn.reference.ppo.RolloutCollector;
import prefdyn.reference.sampling.SamplingSettings;
import prefdyn.reference.train.ComponentGradients;
import prefdyn.reference.train.DataOrder;
import prefdyn.reference.util.Stats;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The loop GRPO and RLOO share ({@code docs/paper-map.md}, "GRPO" and "RLOO"), one {@link #step} per generation
 * batch, no critic:
 * <ol>
 *   <li>take step t's prompts from the seeded {@link DataOrder}, repeat each G times in a row (completions
 *       g·G … g·G + G − 1 answer prompt g) and sample a completion per row with PPO's {@link RolloutCollector}
 *       (logπ_old, logπ_ref, scores);</li>
 *   <li>the subclass's sequence advantages Â_b (group-normalised for GRPO, leave-one-out for RLOO), put on each
 *       completion's tokens; |Â| tertiles over the batch's tokens ({@link AdvantageTertiles}); the variant's Â'
 *       ({@link prefdyn.reference.ppo.PpoObjective}, exactly as for PPO);</li>
 *   <li>{@code numIterations} times: forward, the subclass's clipped loss with its seeds ({@link GroupPolicyLoss}),
 *       one backward pass of the summed seeds (or, with {@link GroupSettings#componentNorms}, the gradient as
 *       g⁺ + g⁻ by {@link ComponentGradients}, with their norms in the metrics), global-norm clipping, AdamW.</li>
 * </ol>
 * {@link #componentSeeds} gives the seeds of step t's loss at θ(t) over the whole batch (ratio exactly 1), split by
 * the sign of Â' and by |Â| tertile, and keeps the rollout so that the following {@link #step} trains on it; so
 * {@code DynamicsRun} measures G(L; θ(t)) with the same two-pass replay as for PPO and DPO. Sampling and prompt
 * order depend only on the seed and the step, so two equal trainers give bit-identical parameters.
 */
public abstract sealed class GroupTrainer implements DecomposedObjective permits GrpoTrainer, RlooTrainer {

    /** What one step's rollout and advantages are. */
    record Experience(Rollout rollout, double[] advantages, double[][] tokenAdvantages, int[][] tertiles) {
    }

    private final PolicyEngine policy;
    private final PolicyEngine reference;
    private final List<int[]> prompts;
    private final GroupSettings settings;
    private final RolloutCollector collector;
    private final DataOrder order;
    private long step;
    private Experience pending;
    private long pendingStep = -1;

    GroupTrainer(PolicyEngine policy, PolicyEngine reference, RewardFunction rewardFunction, List<int[]> prompts,
                 GroupSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.collector = RolloutCollector.withoutCritic(policy, reference, rewardFunction,
                new SamplingSettings(settings.temperature(), settings.maxCompletionLength(),
                        settings.stopAtEndOfText(), settings.stopTokenId()));
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("the prompt dataset is empty");
        }
        List<int[]> copies = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            int[] prompt = prompts.get(i);
            if (prompt == null || prompt.length == 0 || prompt.length >= policy.config().contextLength()) {
                throw new IllegalArgumentException("prompt " + i + " of the dataset must have between 1 and "
                        + (policy.config().contextLength() - 1) + " tokens, got "
                        + (prompt == null ? "null" : prompt.length));
            }
            copies.add(prompt.clone());
        }
        this.policy = policy;
        this.reference = reference;
        this.prompts = List.copyOf(copies);
        this.order = new DataOrder(prompts.size(), settings.promptsPerStep(), settings.seed());
    }

    /** Â_b of each completion of the rollout (groups of G consecutive rows). */
    abstract double[] sequenceAdvantages(Rollout rollout);

    /** The objective's loss at the given log-probs, with ratio bounds [low, high]. */
    abstract GroupLossResult loss(double[][] logProbs, Rollout rollout, double[][] advantages, int[][] tertiles,
                                  double low, double high);

    /** ρ as BAPO's search sees it: per token (GRPO) or each completion's sequence ratio on its tokens (RLOO). */
    abstract double[][] ratios(double[][] logProbs, double[][] oldLogProbs, boolean[][] mask);

    /** Objective-specific metrics of a step (e.g. β). */
    abstract void putObjectiveMetrics(Map<String, Object> metrics, Experience experience);

    /** A short name for errors ("GRPO", "RLOO"). */
    abstract String name();

    @Override
    public PolicyEngine policy() {
        return policy;
    }

    public PolicyEngine reference() {
        return reference;
    }

    public GroupSettings settings() {
        return settings;
    }

    @Override
    public long currentStep() {
        return step;
    }

    /** The rows of step t: each prompt of the step's batch, G times in a row. */
    public List<int[]> batchPrompts(long t) {
        List<int[]> rows = new ArrayList<>();
        for (int index : order.batch(t)) {
            for (int g = 0; g < settings.numGenerations(); g++) {
                rows.add(prompts.get(index).clone());
            }
        }
        return rows;
    }

    @Override
    public Map<String, Object> step() {
        long t = step;
        Experience experience = experience(t);
        pending = null;
        pendingStep = -1;
        Rollout rollout = experience.rollout();
        boolean[][] mask = rollout.mask();
        double[][] trainingAdvantages = trainingAdvantages(experience, t);
        double loss = 0, kl = 0, entropy = 0, low = 0, high = 0, region = 0, norm = 0, positiveNorm = 0;
        double negativeNorm = 0, cosine = 0, clipLow = 0, clipHigh = 0, share = 0;
        int iterations = settings.numIterations();
        for (int iteration = 0; iteration < iterations; iteration++) {
            ForwardResult forward = forward(t, "iteration " + iteration, rollout);
            AdaptiveClipping.Bounds bounds = bounds(forward, rollout, trainingAdvantages);
            GroupLossResult result = evaluate(t, "iteration " + iteration, forward, experience, trainingAdvantages,
                    bounds);
            ComponentGradients components = null;
            if (settings.componentNorms()) {
                components = ComponentGradients.accumulate(policy,
                        BackwardSeeds.ofTokenLogProbs(result.seeds().positive()),
                        BackwardSeeds.ofTokenLogProbs(result.seeds().negative()));
            } else {
                policy.zeroGradients();
                policy.backward(BackwardSeeds.ofTokenLogProbs(result.seeds().total()));
            }
            double gradNorm = policy.clipGradientNorm(settings.maxGradNorm());
            if (!Double.isFinite(gradNorm)) {
                throw new NonFiniteValueException(name() + " step " + t + ", iteration " + iteration
                        + ": the gradient norm is " + gradNorm + "; no update was applied", -1);
            }
            policy.adamWStep(settings.adamW(), settings.learningRate());
            loss += result.loss();
            kl += result.meanKl();
            entropy += AdvantageWhitening.maskedMean(forward.entropies(), mask);
            low += result.clipLowFraction();
            high += result.clipHighFraction();
            region += result.clipRegionFraction();
            norm += gradNorm;
            if (components != null) {
                positiveNorm += components.positiveNorm();
                negativeNorm += components.negativeNorm();
                cosine += components.cosine();
            }
            clipLow += bounds.low();
            clipHigh += bounds.high();
            share += bounds.positiveShare();
        }
        step++;
        Map<String, Object> metrics = new LinkedHashMap<>();
        double[] scores = rollout.scores();
        metrics.put("reward", Stats.mean(scores));
        metrics.put("reward_std", GroupAdvantages.unbiasedStd(scores, 0, scores.length));
        metrics.put("frac_reward_zero_std", zeroStdFraction(scores));
        metrics.put("kl", kl / iterations);
        metrics.put("entropy", entropy / iterations);
        metrics.put("clip_ratio/low_mean", low / iterations);
        metrics.put("clip_ratio/high_mean", high / iterations);
        metrics.put("clip_ratio/region_mean", region / iterations);
        putLengths(metrics, rollout, settings.stopTokenId());
        metrics.put("loss", loss / iterations);
        metrics.put("grad_norm", norm / iterations);
        metrics.put("learning_rate", settings.learningRate());
        if (settings.componentNorms()) {
            metrics.put("grad_norm/positive", positiveNorm / iterations);
            metrics.put("grad_norm/negative", negativeNorm / iterations);
            metrics.put("grad_cosine/positive_negative", cosine / iterations);
        }
        metrics.put("group/positive_token_fraction", positiveFraction(trainingAdvantages, mask));
        metrics.put("group/lambda_positive", settings.objective().positiveWeight(t, settings.totalSteps()));
        metrics.put("group/lambda_negative", settings.objective().negativeWeight(t, settings.totalSteps()));
        metrics.put("clip/low", clipLow / iterations);
        metrics.put("clip/high", clipHigh / iterations);
        if (settings.adaptiveClipping() != null) {
            metrics.put("clip/positive_share", share / iterations); // BAPO's P/(P+N); undefined without BAPO
        }
        putObjectiveMetrics(metrics, experience);
        metrics.put("episode", (double) ((t + 1) * settings.generationBatchSize()));
        return metrics;
    }

    /**
     * The seeds of step t's loss at θ(t) over the whole batch (ρ = 1), split by the sign of Â' and by |Â| tertile.
     * Leaves parameters, optimizer and step unchanged; the next {@link #step} trains on the same rollout.
     */
    @Override
    public ComponentSeeds componentSeeds() {
        long t = step;
        Experience experience = experience(t);
        pending = experience;
        pendingStep = t;
        double[][] trainingAdvantages = trainingAdvantages(experience, t);
        ForwardResult forward = forward(t, "decomposition", experience.rollout());
        GroupLossResult result = evaluate(t, "decomposition", forward, experience, trainingAdvantages,
                bounds(forward, experience.rollout(), trainingAdvantages));
        PolicySeeds seeds = result.seeds();
        Map<String, Double> statistics = new LinkedHashMap<>();
        statistics.put("loss", result.loss());
        statistics.put("reward", Stats.mean(experience.rollout().scores()));
        statistics.put("kl", result.meanKl());
        statistics.put("group/positive_token_fraction", positiveFraction(trainingAdvantages,
                experience.rollout().mask()));
        return new ComponentSeeds(BackwardSeeds.ofTokenLogProbs(seeds.total()),
                BackwardSeeds.ofTokenLogProbs(seeds.positive()), BackwardSeeds.ofTokenLogProbs(seeds.negative()),
                new BackwardSeeds[] {BackwardSeeds.ofTokenLogProbs(seeds.bottom()),
                        BackwardSeeds.ofTokenLogProbs(seeds.middle()), BackwardSeeds.ofTokenLogProbs(seeds.top())},
                statistics);
    }

    /** Step t's rollout and advantages: the one {@link #componentSeeds} kept, or a fresh (identical) one. */
    Experience experience(long t) {
        if (pending != null && pendingStep == t) {
            return pending;
        }
        try {
            Rollout rollout = collector.collect(batchPrompts(t), samplingSeed(settings.seed(), t));
            double[] advantages = sequenceAdvantages(rollout);
            double[][] tokenAdvantages = GroupAdvantages.perToken(advantages, rollout.mask());
            return new Experience(rollout, advantages, tokenAdvantages,
                    AdvantageTertiles.assign(tokenAdvantages, rollout.mask()));
        } catch (NonFiniteValueException e) {
            throw atStep(t, "rollout", e);
        }
    }

    private double[][] trainingAdvantages(Experience experience, long t) {
        return settings.objective().advantages(experience.tokenAdvantages(), experience.rollout().mask(),
                experience.tertiles(), t, settings.totalSteps());
    }

    private AdaptiveClipping.Bounds bounds(ForwardResult forward, Rollout rollout, double[][] advantages) {
        AdaptiveClipping adaptive = settings.adaptiveClipping();
        if (adaptive == null) {
            return new AdaptiveClipping.Bounds(settings.clipLow(), settings.clipHigh(), Double.NaN);
        }
        return adaptive.search(ratios(forward.tokenLogProbs(), rollout.oldLogProbs(), rollout.mask()), advantages,
                rollout.mask());
    }

    private GroupLossResult evaluate(long t, String where, ForwardResult forward, Experience experience,
                                     double[][] advantages, AdaptiveClipping.Bounds bounds) {
        try {
            return loss(forward.tokenLogProbs(), experience.rollout(), advantages, experience.tertiles(),
                    bounds.low(), bounds.high());
        } catch (NonFiniteValueException e) {
            throw atStep(t, where, e);
        }
    }

    private ForwardResult forward(long t, String where, Rollout rollout) {
        try {
            return policy.forward(rollout.batch());
        } catch (NonFiniteValueException e) {
            throw atStep(t, where, e);
        }
    }

    private NonFiniteValueException atStep(long t, String where, NonFiniteValueException e) {
        NonFiniteValueException wrapped = new NonFiniteValueException(name() + " step " + t + ", " + where + ": "
                + e.getMessage(), e.sequence());
        wrapped.initCause(e);
        return wrapped;
    }

    /** TRL's completions/* lengths: mean, min, max, and the fraction that did not end at end-of-text. */
    private static void putLengths(Map<String, Object> metrics, Rollout rollout, int endOfText) {
        int min = Integer.MAX_VALUE, max = 0, clipped = 0;
        double sum = 0;
        for (PromptResponse sequence : rollout.sequences()) {
            int[] response = sequence.response();
            min = Math.min(min, response.length);
            max = Math.max(max, response.length);
            sum += response.length;
            clipped += response[response.length - 1] == endOfText ? 0 : 1;
        }
        int n = rollout.sequences().size();
        metrics.put("completions/mean_length", sum / n);
        metrics.put("completions/min_length", (double) min);
        metrics.put("completions/max_length", (double) max);
        metrics.put("completions/clipped_ratio", (double) clipped / n);
    }

    /** The fraction of groups whose rewards are all equal (TRL's {@code frac_reward_zero_std}). */
    private double zeroStdFraction(double[] scores) {
        int G = settings.numGenerations();
        int groups = scores.length / G;
        int zero = 0;
        for (int g = 0; g < groups; g++) {
            zero += GroupAdvantages.unbiasedStd(scores, g * G, g * G + G) == 0 ? 1 : 0;
        }
        return (double) zero / groups;
    }

    private static double positiveFraction(double[][] advantages, boolean[][] mask) {
        int positive = 0;
        for (int b = 0; b < mask.length; b++) {
            for (int t = 0; t < mask[b].length; t++) {
                positive += mask[b][t] && advantages[b][t] > 0 ? 1 : 0;
            }
        }
        return (double) positive / AdvantageWhitening.count(mask);
    }

    /** The sampling seed of step t, derived from the run's seed only. */
    static long samplingSeed(long seed, long t) {
        return new SplittableRandom(seed + 0x632BE59BD9B4E019L * (t + 1)).nextLong();
    }
}
