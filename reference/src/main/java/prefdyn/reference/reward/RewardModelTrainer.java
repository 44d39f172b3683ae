package prefdyn.reference.reward;

import prefdyn.reference.dpo.PairBatch;
import prefdyn.reference.dpo.PreferenceExample;
import prefdyn.reference.engine.ForwardResult;
import prefdyn.reference.engine.PolicyEngine;
import prefdyn.reference.model.NonFiniteValueException;
import prefdyn.reference.train.DataOrder;
import prefdyn.reference.train.Trainer;
import prefdyn.reference.train.TrainingSettings;

import prefdyn.reference.util.Stats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Trains a reward model ({@link RewardModelLoss}) on preference pairs with a seeded data order and AdamW. */
public final class RewardModelTrainer implements Trainer {

    private final PolicyEngine model;
    private final List<PreferenceExample> pairs;
    private final TrainingSettings training;
    private final DataOrder order;
    private long step;

    public RewardModelTrainer(PolicyEngine model, List<PreferenceExample> pairs, TrainingSettings training) {
        if (!model.config().rewardHead()) {
            throw new IllegalArgumentException("a reward model needs a reward head (GptConfig.rewardHead = true)");
        }
        this.model = model;
        this.pairs = List.copyOf(pairs);
        this.training = training;
        this.order = new DataOrder(pairs.size(), training.batchSize(), training.seed());
    }

    @Override
    public PolicyEngine policy() {
        return model;
    }

    @Override
    public long currentStep() {
        return step;
    }

    /** One update; returns metrics ({@code loss}, {@code accuracy}, {@code rewards/chosen}, …). */

    @Override
    public Map<String, Object> step() {
        long t = step;
        List<PreferenceExample> batchPairs = new ArrayList<>();
        for (int index : order.batch(t)) {
            batchPairs.add(pairs.get(index));
        }
        PairBatch batch = new PairBatch(batchPairs, model.config().contextLength());
        ForwardResult result = model.forward(batch.batch());
        RewardModelLoss.Terms terms;
        try {
            terms = RewardModelLoss.compute(batch, result, t);
        } catch (NonFiniteValueException e) {
            throw new NonFiniteValueException(e.getMessage() + " (dataset pair " + order.batch(t)[e.sequence()] + ")",
                    e.sequence());
        }
        model.zeroGradients();
        model.backward(terms.seeds());
        double gradNorm = model.clipGradientNorm(training.maxGradNorm());
        double learningRate = training.learningRateAt(t);
        model.adamWStep(training.adamW(), learningRate);
        step++;
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("loss", terms.loss());
        metrics.put("accuracy", terms.accuracy());
        metrics.put("rewards/chosen", Stats.mean(terms.chosenScores()));
        metrics.put("rewards/rejected", Stats.mean(terms.rejectedScores()));
        metrics.put("rewards/margins", Stats.mean(terms.chosenScores()) - Stats.mean(terms.rejectedScores()));
        metrics.put("grad_norm", gradNorm);
        metrics.put("learning_rate", learningRate);
        return metrics;
    }

}
