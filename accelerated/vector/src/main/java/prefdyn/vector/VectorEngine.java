package prefdyn.vector;

import prefdyn.reference.engine.BackwardSeeds;
import prefdyn.reference.engine.ForwardResult;
import prefdyn.reference.engine.PolicyEngine;
import prefdyn.reference.engine.SamplingSession;
import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.GptInitializer;
import prefdyn.reference.model.NonFiniteValueException;
import prefdyn.reference.model.ParameterLayout;
import prefdyn.reference.model.TensorView;
import prefdyn.reference.optim.AdamWSettings;
import prefdyn.reference.util.Parallel;
import prefdyn.vector.optim.AdamW;
import prefdyn.vector.optim.GradientClipping;

import java.util.List;

/**
 * The float32 CPU engine behind the {@link PolicyEngine} interface: {@link VectorGptModel} over the Java Vector
 * API layers of {@code prefdyn.vector.layers}, with the reference engine's semantics — the same outputs (as
 * {@code double[][]} copies), the same validation and exception messages, backward that accumulates and may be
 * called several times per forward, PyTorch's clipping and AdamW — on float32 parameters, gradients, moments and
 * activations.
 *
 * <p>Deterministic: every layer splits its work into fixed blocks whose number does not depend on the thread
 * count, and computes each output with a fixed order of operations, so a seed gives the same bits at any thread
 * count (the interface's contract).
 */
public final class VectorEngine implements PolicyEngine {

    private final VectorGptModel model;
    private final ParameterLayout layout;
    private final Parallel parallel;
    private final float[] firstMoment;
    private final float[] secondMoment;
    private final boolean[] decayed;
    private long steps;
    private Forward saved;

    /** The training forward that backward differentiates. */
    private record Forward(VectorGptModel.Activations activations, int paddedWidth) {
    }

    /**
     * @param initialParameters [P] in {@link ParameterLayout} order, rounded to float32
     * @param parallel          the threads of the layers
     */
    public VectorEngine(GptConfig config, double[] initialParameters, Parallel parallel) {
        this.model = new VectorGptModel(config, parallel);
        this.layout = model.layout();
        this.parallel = parallel;
        this.firstMoment = new float[layout.size()];
        this.secondMoment = new float[layout.size()];
        this.decayed = new boolean[layout.size()];
        for (TensorView view : layout.tensors()) {
            boolean decay = view.shape().length >= 2; // AdamW decays matrices, not biases or LayerNorm weights
            for (int i = view.offset(); i < view.end(); i++) {
                decayed[i] = decay;
            }
        }
        setParameters(initialParameters);
    }

    /** A fresh model with GPT-2's seeded initialisation (the same draws as {@code ReferenceEngine.initialized}). */
    public static VectorEngine initialized(GptConfig config, long seed, Parallel parallel) {
        ParameterLayout layout = new ParameterLayout(config);
        double[] params = new double[layout.size()];
        GptInitializer.initialize(layout, params, seed);
        return new VectorEngine(config, params, parallel);
    }

    @Override
    public GptConfig config() {
        return model.config();
    }

    @Override
    public ParameterLayout layout() {
        return layout;
    }

    /** The threads the layers run on. */
    public int threads() {
        return parallel.threads();
    }

    @Override
    public ForwardResult forward(TokenBatch batch) {
        checkTokens(batch);
        saved = null; // a failure below leaves nothing to differentiate
        VectorGptModel.Activations a = model.run(batch, true);
        ForwardResult result = packResult(batch, a);
        saved = new Forward(a, batch.width());
        return result;
    }

    @Override
    public double[][] nextTokenLogProbs(TokenBatch batch) {
        checkTokens(batch);
        VectorGptModel.Activations a = model.run(batch, false);
        return logProbRows(model.headLogProbs(model.lastRows(a), batch.batchSize()), batch.batchSize());
    }

    /**
     * A KV-cached session ({@link VectorKvCachedSession}): one new position per row and step instead of the whole
     * prefix, with the same bits as the default {@code RecomputingSession} on this engine.
     */
    @Override
    public SamplingSession startSampling(List<int[]> prompts) {
        return new VectorKvCachedSession(this, model, prompts);
    }

    @Override
    public void backward(BackwardSeeds seeds) {
        Forward forward = saved;
        if (forward == null) {
            throw new IllegalStateException("backward needs a forward pass first");
        }
        VectorGptModel.Activations a = forward.activations();
        float[] dTokenLogProbs = unpackSeeds("tokenLogProbs", seeds.tokenLogProbs(), a, forward.paddedWidth(), true);
        float[] dValues = unpackSeeds("values", seeds.values(), a, forward.paddedWidth(), false);
        float[] dRewards = unpackSeeds("rewards", seeds.rewards(), a, forward.paddedWidth(), false);
        if (dValues != null && !config().valueHead()) {
            throw new IllegalArgumentException("value seeds given, but the model has no value head");
        }
        if (dRewards != null && !config().rewardHead()) {
            throw new IllegalArgumentException("reward seeds given, but the model has no reward head");
        }
        model.backward(a, dTokenLogProbs, dValues, dRewards);
    }

    @Override
    public void zeroGradients() {
        java.util.Arrays.fill(model.grads, 0f);
    }

    @Override
    public void copyParametersTo(double[] destination) {
        toDouble(model.params, destination);
    }

    @Override
    public void setParameters(double[] source) {
        toFloat(source, model.params);
    }

    @Override
    public void copyGradientsTo(double[] destination) {
        toDouble(model.grads, destination);
    }

    @Override
    public void setGradients(double[] source) {
        toFloat(source, model.grads);
    }

    @Override
    public double clipGradientNorm(double maxNorm) {
        return GradientClipping.clipGlobalNorm(model.grads, maxNorm);
    }

    @Override
    public void adamWStep(AdamWSettings settings, double learningRate) {
        AdamW.step(model.params, model.grads, firstMoment, secondMoment, decayed, steps + 1, settings, learningRate);
        steps++;
    }

    @Override
    public long optimizerSteps() {
        return steps;
    }

    /** Copies AdamW's first and second moments [P] (for checkpoints and tests). */
    public void copyOptimizerStateTo(double[] m, double[] v) {
        toDouble(firstMoment, m);
        toDouble(secondMoment, v);
    }

    /** Restores AdamW's moments [P] and step count, as {@code AdamW.restore} does. */
    public void restoreOptimizerState(double[] m, double[] v, long stepCount) {
        if (stepCount < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + stepCount);
        }
        toFloat(m, firstMoment);
        toFloat(v, secondMoment);
        steps = stepCount;
    }

    /**
     * The checks of {@code GptModel.run}, with its messages: a sequence longer than the context, a real token
     * outside [0, V).
     */
    void checkTokens(TokenBatch batch) {
        int T = batch.maxLength();
        if (T > config().contextLength()) {
            throw new IllegalArgumentException("a sequence of length " + T + " exceeds the context length "
                    + config().contextLength());
        }
        int V = config().vocabSize();
        for (int b = 0; b < batch.batchSize(); b++) {
            for (int t = 0; t < batch.lengths()[b]; t++) {
                int token = batch.tokens()[b][t];
                if (token < 0 || token >= V) {
                    throw new IllegalArgumentException("sequence " + b + ", position " + t + ": token id " + token
                            + " outside [0, " + V + ")");
                }
            }
        }
    }

    /**
     * [B][V] rows of float log-probs, failing on NaN or +∞ as {@code GptModel.nextTokenLogProbsOf} does.
     *
     * @param logProbs [B,V]
     */
    double[][] logProbRows(float[] logProbs, int B) {
        int V = config().vocabSize();
        double[][] rows = new double[B][V];
        for (int b = 0; b < B; b++) {
            for (int v = 0; v < V; v++) {
                double logProb = logProbs[b * V + v];
                if (!Double.isFinite(logProb) && logProb != Double.NEGATIVE_INFINITY) {
                    throw new NonFiniteValueException("non-finite next-token log-prob (" + logProb + ") in sequence "
                            + b + " for token " + v, b);
                }
                rows[b][v] = logProb;
            }
        }
        return rows;
    }

    private ForwardResult packResult(TokenBatch batch, VectorGptModel.Activations a) {
        int B = a.batchSize;
        int T = a.width;
        int W = batch.width();
        double[][] tokenLogProbRows = new double[B][W];
        double[][] entropyRows = new double[B][W];
        double[][] maxProbRows = new double[B][W];
        double[][] valueRows = a.values == null ? null : new double[B][W];
        double[][] rewardRows = a.rewards == null ? null : new double[B][W];
        double[] sequenceLogProbs = new double[B];
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < a.lengths[b]; t++) {
                int n = b * T + t;
                tokenLogProbRows[b][t] = a.tokenLogProbs[n];
                entropyRows[b][t] = a.entropies[n];
                maxProbRows[b][t] = a.maxProbs[n];
                if (batch.responseMask()[b][t]) {
                    sequenceLogProbs[b] += a.tokenLogProbs[n];
                }
                requireFinite("log-prob", a.tokenLogProbs[n], b, t);
                if (valueRows != null) {
                    valueRows[b][t] = a.values[n];
                    requireFinite("value", a.values[n], b, t);
                }
                if (rewardRows != null) {
                    rewardRows[b][t] = a.rewards[n];
                    requireFinite("reward score", a.rewards[n], b, t);
                }
            }
        }
        return new ForwardResult(tokenLogProbRows, sequenceLogProbs, entropyRows, maxProbRows, valueRows, rewardRows);
    }

    private static void requireFinite(String quantity, double value, int sequence, int position) {
        if (!Double.isFinite(value)) {
            throw new NonFiniteValueException("non-finite " + quantity + " (" + value + ") in sequence " + sequence
                    + " at position " + position, sequence);
        }
    }

    /** [B][W] seeds checked as {@code GptModel} checks them and flattened to [B,T] floats; null stays null. */
    private static float[] unpackSeeds(String name, double[][] rows, VectorGptModel.Activations a, int W,
                                       boolean logProbs) {
        if (rows == null) {
            return null;
        }
        int B = a.batchSize;
        int T = a.width;
        if (rows.length != B) {
            throw new IllegalArgumentException(name + " seeds: expected " + B + " rows, got " + rows.length);
        }
        float[] flat = new float[B * T];
        for (int b = 0; b < B; b++) {
            if (rows[b].length != W) {
                throw new IllegalArgumentException(name + " seeds, sequence " + b + ": expected width " + W
                        + ", got " + rows[b].length);
            }
            for (int t = 0; t < W; t++) {
                double seed = rows[b][t];
                boolean hasOutput = t < a.lengths[b] && (!logProbs || t >= 1);
                if (!hasOutput) {
                    if (seed != 0.0) {
                        throw new IllegalArgumentException(name + " seeds, sequence " + b + ", position " + t
                                + ": non-zero seed " + seed + " where the model has no output "
                                + (t >= a.lengths[b] ? "(padding)" : "(position 0 has no log-prob)"));
                    }
                } else if (!Double.isFinite(seed)) {
                    throw new NonFiniteValueException(name + " seed is " + seed + " in sequence " + b
                            + " at position " + t, b);
                } else {
                    flat[b * T + t] = (float) seed;
                }
            }
        }
        return flat;
    }

    private void toDouble(float[] source, double[] destination) {
        checkSize(destination);
        for (int i = 0; i < source.length; i++) {
            destination[i] = source[i];
        }
    }

    private void toFloat(double[] source, float[] destination) {
        checkSize(source);
        for (int i = 0; i < destination.length; i++) {
            destination[i] = (float) source[i];
        }
    }

    private void checkSize(double[] array) {
        int expected = layout.size();
        if (array.length != expected) {
            throw new IllegalArgumentException("parameter and gradient arrays hold " + expected
                    + " values for this model, got an array of " + array.length);
        }
    }
}
