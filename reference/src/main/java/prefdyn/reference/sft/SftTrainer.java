package prefdyn.reference.sft;

import prefdyn.reference.data.PromptResponse;
import prefdyn.reference.data.SequenceBatches;
import prefdyn.reference.engine.ForwardResult;
import prefdyn.reference.engine.PolicyEngine;
import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.model.NonFiniteValueException;
import prefdyn.reference.train.DataOrder;
import prefdyn.reference.train.Trainer;
import prefdyn.reference.train.TrainingSettings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongToDoubleFunction;

/**
 * SFT (and plain-text pre-training) with {@link SftLoss}: seeded data order, one forward/backward per step,
 * gradient clipping, AdamW. Deterministic: the same seed and data give bit-identical parameters.
 */
public final class SftTrainer implements Trainer {

    private final PolicyEngine policy;
    private final List<PromptResponse> examples;
    private final TrainingSettings training;
    private final DataOrder order;
    private final LongToDoubleFunction learningRateAt;
    private long step;

    /**
     * Responses longer than the context are cut at the end (keep-start truncation). The learning rate follows
     * {@link TrainingSettings#learningRateAt} (warm-up, then constant).
     */
    public SftTrainer(PolicyEngine policy, List<PromptResponse> examples, TrainingSettings training) {
        this(policy, examples, training, training::learningRateAt);
    }

    /**
     * As above, with the learning rate of step t given by {@code learningRateAt} (for example a
     * {@link prefdyn.reference.train.CosineLearningRate}); {@code training.learningRate()} is then not used.
     */
    public SftTrainer(PolicyEngine policy, List<PromptResponse> examples, TrainingSettings training,
                      LongToDoubleFunction learningRateAt) {
        this.policy = policy;
        this.learningRateAt = learningRateAt;
        List<PromptResponse> fitted = new ArrayList<>();
        for (PromptResponse example : examples) {
            fitted.add(SequenceBatches.truncateResponse(example, policy.config().contextLength()));
        }
        this.examples = List.copyOf(fitted);
        this.training = training;
        this.order = new DataOrder(examples.size(), training.batchSize(), training.seed());
    }

    /**
     * Plain text as SFT examples: each text's first token is the prompt and the rest the response; texts longer
     * than the context are split into windows of the context length that overlap by one token, so every token
     * after the first is predicted exactly once (window k starts at k·(T − 1)).
     *
     * @param texts token ids of each text, each at least two tokens
     */
    public static List<PromptResponse> plainText(List<int[]> texts, int contextLength) {
        List<PromptResponse> windows = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            int[] text = texts.get(i);
            if (text.length < 2) {
                throw new IllegalArgumentException("text " + i + " has " + text.length
                        + " token(s); at least two are needed to predict anything");
            }
            if (contextLength < 2) {
                throw new IllegalArgumentException("the context length must be at least 2, got " + contextLength);
            }
            for (int start = 0; start + 1 < text.length; start += contextLength - 1) {
                int end = Math.min(text.length, start + contextLength);
                if (end - start < 2) {
                    break;
                }
                windows.add(new PromptResponse(java.util.Arrays.copyOfRange(text, start, start + 1),
                        java.util.Arrays.copyOfRange(text, start + 1, end)));
            }
        }
        return windows;
    }

    @Override
    public PolicyEngine policy() {
        return policy;
    }

    @Override
    public long currentStep() {
        return step;
    }

    /** Nothing beyond θ, AdamW's state and the step: the data order and learning rate are functions of t. */
    @Override
    public void resumeAt(long resumedStep, State state) {
        continueAt(resumedStep);
    }

    /**
     * Continues a run at step {@code t}: the next {@link #step()} trains on the batch of step t with its learning
     * rate. The data order and the schedule are pure functions of t, so with θ and AdamW's state restored into the
     * engine (see {@link PolicyEngine#restoreOptimizerState}) the resumed run is the uninterrupted one.
     */
    public void continueAt(long t) {
        if (t < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + t);
        }
        step = t;
    }

    /** One update; returns TRL-named metrics. */

    @Override
    public Map<String, Object> step() {
        long t = step;
        List<PromptResponse> batchExamples = new ArrayList<>();
        for (int index : order.batch(t)) {
            batchExamples.add(examples.get(index));
        }
        TokenBatch batch = SequenceBatches.of(batchExamples, policy.config().contextLength());
        ForwardResult result;
        try {
            result = policy.forward(batch);
        } catch (NonFiniteValueException e) {
            throw new NonFiniteValueException("step " + t + ": " + e.getMessage() + " (dataset example "
                    + order.batch(t)[e.sequence()] + ")", e.sequence());
        }
        double loss = SftLoss.loss(batch, result);
        policy.zeroGradients();
        policy.backward(SftLoss.seeds(batch));
        double gradNorm = policy.clipGradientNorm(training.maxGradNorm());
        if (!Double.isFinite(gradNorm)) {
            throw new NonFiniteValueException("step " + t + ": the gradient norm is " + gradNorm, -1);
        }
        double learningRate = learningRateAt.applyAsDouble(t);
        policy.adamWStep(training.adamW(), learningRate);
        step++;
        int tokens = 0;
        for (int b = 0; b < batch.batchSize(); b++) {
            tokens += batch.responseTokenCount(b);
        }
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("loss", loss);
        metrics.put("mean_token_accuracy", SftLoss.meanTokenAccuracy(batch, result));
        metrics.put("entropy", SftLoss.meanEntropy(batch, result));
        metrics.put("num_tokens", tokens);
        metrics.put("grad_norm", gradNorm);
        metrics.put("learning_rate", learningRate);
        return metrics;
    }
}
