package prefdyn.reference.dpo;

import prefdyn.reference.dynamics.ComponentSeeds;
import prefdyn.reference.dynamics.DecomposedObjective;
import prefdyn.reference.engine.BackwardSeeds;
import prefdyn.reference.engine.ForwardResult;
import prefdyn.reference.engine.PolicyEngine;
import prefdyn.reference.model.NonFiniteValueException;
import prefdyn.reference.train.ComponentGradients;
import prefdyn.reference.train.DataOrder;
import prefdyn.reference.train.TrainingSettings;

import prefdyn.reference.util.Stats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Offline DPO-family training (Rafailov et al. 2023) on a fixed set of preference pairs, one step at a time:
 * <ol>
 *   <li>take step t's pairs D_t from the seeded {@link DataOrder};</li>
 *   <li>forward the 2P rows (chosen, then rejected) through the policy;</li>
 *   <li>{@link DpoLoss}: ℓ, ω, λ⁺, λ⁻ and the per-pair coefficients ∂L/∂lp±, with cached reference log-probs;</li>
 *   <li>backward: one pass of the summed seeds; with {@link TrainingSettings#componentNorms} (and always for the
 *       {@link DpoVariant#COORDINATED} variant, whose controller needs the two parts) the positive-learning and
 *       negative-learning seeds as two passes instead, their norms logged and the gradient being their sum
 *       (equal up to rounding: {@code docs/dynamics.md}, "One backward pass per training step");</li>
 *   <li>clip the global norm, AdamW.</li>
 * </ol>
 * Step numbering: {@code step()} performs update t and θ(t) denotes the parameters <em>before</em> it, so the
 * dynamics analysis pairs θ(t) with D_t. Metrics use TRL's names where TRL has them.
 */
public final class DpoTrainer implements DecomposedObjective {

    private final PolicyEngine policy;
    private final List<PreferenceExample> pairs;
    private final ReferenceLogProbs reference;
    private final DpoSettings dpo;
    private final TrainingSettings training;
    private final DataOrder order;
    private CoordinationController coordination;
    private long step;

    /**
     * @param reference precomputed reference log-probs of every pair, in the order of {@code pairs}
     */
    public DpoTrainer(PolicyEngine policy, List<PreferenceExample> pairs, ReferenceLogProbs reference,
                      DpoSettings dpo, TrainingSettings training) {
        if (reference.chosen().length != pairs.size()) {
            throw new IllegalArgumentException("reference log-probs cover " + reference.chosen().length
                    + " pairs, the dataset has " + pairs.size());
        }
        this.policy = policy;
        this.pairs = List.copyOf(pairs);
        this.reference = reference;
        this.dpo = dpo;
        this.training = training;
        this.order = new DataOrder(pairs.size(), training.batchSize(), training.seed());
    }

    /**
     * Builds the trainer with reference log-probs computed by a separate frozen reference model.
     *
     * @throws IllegalArgumentException if {@code referenceModel} is the policy engine itself: the reference
     *                                  must stay frozen while the policy trains
     */
    public static DpoTrainer withReferenceModel(PolicyEngine policy, PolicyEngine referenceModel,
                                                List<PreferenceExample> pairs, DpoSettings dpo,
                                                TrainingSettings training) {
        if (referenceModel == policy) {
            throw new IllegalArgumentException("the reference model is the policy engine itself; DPO needs a frozen "
                    + "copy (load the same checkpoint into a second engine)");
        }
        return new DpoTrainer(policy, pairs, ReferenceLogProbs.compute(referenceModel, pairs, training.batchSize()),
                dpo, training);
    }

    /**
     * Attaches the controller of the {@link DpoVariant#COORDINATED} variant (required for it, refused otherwise).
     */
    public DpoTrainer coordinatedBy(CoordinationController controller) {
        if (dpo.variant() != DpoVariant.COORDINATED) {
            throw new IllegalArgumentException("a coordination controller needs the COORDINATED variant, not "
                    + dpo.variant());
        }
        this.coordination = controller;
        return this;
    }

    /** The next step's index t. */
    @Override
    public long currentStep() {
        return step;
    }

    @Override
    public PolicyEngine policy() {
        return policy;
    }

    /** The coordination controller's λ± and g″ (the COORDINATED variant); nothing otherwise. */
    @Override
    public State state() {
        return coordination == null ? State.NONE : coordination.state();
    }

    @Override
    public void resumeAt(long resumedStep, State state) {
        if (coordination != null) {
            coordination.restore(state);
        }
        step = resumedStep;
    }

    public DpoSettings dpoSettings() {
        return dpo;
    }

    /** The dataset indices of step t's batch D_t. */
    public int[] batchIndices(long t) {
        return order.batch(t);
    }

    /** The pairs of step t's batch D_t. */
    public List<PreferenceExample> batchPairs(long t) {
        List<PreferenceExample> batch = new ArrayList<>();
        for (int index : order.batch(t)) {
            batch.add(pairs.get(index));
        }
        return batch;
    }

    /** Reference log-probs of D_t: {chosen[P], rejected[P]}. */
    public double[][] batchReference(long t) {
        int[] indices = order.batch(t);
        return new double[][] {reference.chosenAt(indices), reference.rejectedAt(indices)};
    }

    /**
     * Forward + the decomposed objective of step t at the engine's current parameters, without touching the
     * gradient. The dynamics analysis uses this to rebuild ∇L(D_t; θ(t)) and its parts.
     */
    public Evaluated evaluate(long t) {
        PairBatch batch = new PairBatch(batchPairs(t), policy.config().contextLength());
        ForwardResult result = policy.forward(batch.batch());
        double[][] ref = batchReference(t);
        double[] chosen = batch.chosen(result.sequenceLogProbs());
        double[] rejected = batch.rejected(result.sequenceLogProbs());
        DpoTerms terms;
        try {
            terms = DpoLoss.compute(dpo, t, chosen, rejected, ref[0], ref[1], batch.chosenLengths(),
                    batch.rejectedLengths());
        } catch (NonFiniteValueException e) {
            int datasetIndex = order.batch(t)[e.sequence()];
            throw new NonFiniteValueException(e.getMessage() + " (dataset pair " + datasetIndex + ")", e.sequence());
        }
        return new Evaluated(batch, result, chosen, rejected, terms);
    }

    /** One forward and the decomposed objective of a step. */
    public record Evaluated(PairBatch batch, ForwardResult forward, double[] chosenLogProbs,
                            double[] rejectedLogProbs, DpoTerms terms) {

        public BackwardSeeds totalSeeds() {
            return batch.seeds(terms.chosenCoefficient(), terms.rejectedCoefficient());
        }

        public BackwardSeeds positiveSeeds() {
            return batch.seeds(terms.chosenCoefficient(), new double[batch.pairCount()]);
        }

        public BackwardSeeds negativeSeeds() {
            return batch.seeds(new double[batch.pairCount()], terms.rejectedCoefficient());
        }

        public BackwardSeeds tertileSeeds(int tertile) {
            return batch.seeds(terms.chosenCoefficientOfTertile(tertile), terms.rejectedCoefficientOfTertile(tertile));
        }
    }

    /**
     * The decomposition of the current step at the current parameters: positive learning = the y⁺ terms,
     * negative learning = the y⁻ terms, reweighting groups = the ω tertiles of the batch's pairs.
     */
    @Override
    public ComponentSeeds componentSeeds() {
        Evaluated evaluated = evaluate(step);
        DpoTerms terms = evaluated.terms();
        Map<String, Double> statistics = new LinkedHashMap<>();
        statistics.put("omega/mean", Stats.mean(terms.omega()));
        statistics.put("logps/chosen", Stats.mean(evaluated.chosenLogProbs()));
        statistics.put("logps/rejected", Stats.mean(evaluated.rejectedLogProbs()));
        statistics.put("loss", terms.loss());
        return new ComponentSeeds(evaluated.totalSeeds(), evaluated.positiveSeeds(), evaluated.negativeSeeds(),
                new BackwardSeeds[] {evaluated.tertileSeeds(0), evaluated.tertileSeeds(1), evaluated.tertileSeeds(2)},
                statistics);
    }

    /**
     * Performs update t and returns its metrics (TRL names plus prefdyn's decomposition; {@code grad_norm/positive},
     * {@code grad_norm/negative} and {@code grad_cosine/positive_negative} only when the two parts were measured).
     */
    @Override
    public Map<String, Object> step() {
        if (dpo.variant() == DpoVariant.COORDINATED && coordination == null) {
            throw new IllegalStateException("the COORDINATED variant needs a CoordinationController (coordinatedBy)");
        }
        long t = step;
        if (coordination != null) {
            coordination.refreshIfDue(t, policy); // its forward/backward passes come before the step's own
        }
        Evaluated evaluated;
        try {
            evaluated = evaluate(t);
        } catch (NonFiniteValueException e) {
            throw new NonFiniteValueException("step " + t + ": " + e.getMessage(), e.sequence());
        }
        ComponentGradients components = null; // measured only when asked for or needed
        double[] lambda = {1.0, 1.0};
        if (training.componentNorms() || coordination != null) {
            components = ComponentGradients.measure(policy, evaluated.positiveSeeds(), evaluated.negativeSeeds());
            if (coordination != null) {
                lambda = coordination.update(components.alignmentWith(coordination.probeGradient()));
            }
            components.apply(policy, lambda[0], lambda[1]);
        } else {
            policy.zeroGradients();
            policy.backward(evaluated.totalSeeds());
        }
        double gradNorm = policy.clipGradientNorm(training.maxGradNorm());
        if (!Double.isFinite(gradNorm)) {
            throw new NonFiniteValueException("step " + t + ": the gradient norm is " + gradNorm, -1);
        }
        double learningRate = training.learningRateAt(t);
        policy.adamWStep(training.adamW(), learningRate);
        step++;
        Map<String, Object> metrics = metrics(evaluated, components, gradNorm, learningRate);
        if (coordination != null) {
            metrics.put("lambda/positive", lambda[0]);
            metrics.put("lambda/negative", lambda[1]);
        }
        return metrics;
    }

    /** @param components the two measured parts, or null after one backward pass of the summed seeds */
    private Map<String, Object> metrics(Evaluated evaluated, ComponentGradients components, double gradNorm,
                                        double learningRate) {
        DpoTerms terms = evaluated.terms();
        int pairCount = terms.pairCount();
        double chosenRewards = 0;
        double rejectedRewards = 0;
        double accuracy = 0;
        double omega = 0;
        double lambdaPositive = 0;
        double lambdaNegative = 0;
        double chosenLogProbs = 0;
        double rejectedLogProbs = 0;
        for (int i = 0; i < pairCount; i++) {
            chosenRewards += terms.chosenRewards()[i];
            rejectedRewards += terms.rejectedRewards()[i];
            accuracy += terms.chosenRewards()[i] > terms.rejectedRewards()[i] ? 1 : 0;
            omega += terms.omega()[i];
            lambdaPositive += terms.lambdaPositive()[i];
            lambdaNegative += terms.lambdaNegative()[i];
            chosenLogProbs += evaluated.chosenLogProbs()[i];
            rejectedLogProbs += evaluated.rejectedLogProbs()[i];
        }
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("loss", terms.loss());
        metrics.put("rewards/chosen", chosenRewards / pairCount);
        metrics.put("rewards/rejected", rejectedRewards / pairCount);
        metrics.put("rewards/margins", (chosenRewards - rejectedRewards) / pairCount);
        metrics.put("rewards/accuracies", accuracy / pairCount);
        metrics.put("logps/chosen", chosenLogProbs / pairCount);
        metrics.put("logps/rejected", rejectedLogProbs / pairCount);
        metrics.put("entropy", meanResponseEntropy(evaluated, true));
        metrics.put("entropy/chosen", meanResponseEntropy(evaluated, false));
        metrics.put("omega/mean", omega / pairCount);
        metrics.put("lambda/positive", lambdaPositive / pairCount);
        metrics.put("lambda/negative", lambdaNegative / pairCount);
        metrics.put("loss/positive_surrogate", terms.positiveSurrogate(evaluated.chosenLogProbs()));
        metrics.put("loss/negative_surrogate", terms.negativeSurrogate(evaluated.rejectedLogProbs()));
        metrics.put("grad_norm", gradNorm);
        if (components != null) {
            metrics.put("grad_norm/positive", components.positiveNorm());
            metrics.put("grad_norm/negative", components.negativeNorm());
            metrics.put("grad_cosine/positive_negative", components.cosine());
        }
        metrics.put("learning_rate", learningRate);
        return metrics;
    }

    /**
     * The token-weighted mean entropy of π(·|prefix) over response tokens ({@code docs/paper-map.md}, "entropy"):
     * with {@code rejectedToo}, over the chosen and the rejected responses' tokens together, TRL's DPO
     * {@code entropy} (the sum of per-token entropies under the completion mask of the concatenated batch divided
     * by the number of completion tokens); without, over the chosen responses' tokens only ({@code entropy/chosen},
     * what prefdyn logged as {@code entropy} before).
     */
    private static double meanResponseEntropy(Evaluated evaluated, boolean rejectedToo) {
        double sum = 0;
        int count = 0;
        PairBatch batch = evaluated.batch();
        for (int i = 0; i < batch.pairCount(); i++) {
            int[] rows = rejectedToo ? new int[] {batch.chosenRow(i), batch.rejectedRow(i)} : new int[] {batch.chosenRow(i)};
            for (int row : rows) {
                boolean[] mask = batch.batch().responseMask()[row];
                for (int t = 0; t < mask.length; t++) {
                    if (mask[t]) {
                        sum += evaluated.forward().entropies()[row][t];
                        count++;
                    }
                }
            }
        }
        return count == 0 ? 0.0 : sum / count;
    }
}
