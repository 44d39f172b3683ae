package prefdyn.reference.engine;

import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.GptInitializer;
import prefdyn.reference.model.GptModel;
import prefdyn.reference.model.KvCachedSession;
import prefdyn.reference.model.ParameterLayout;
import prefdyn.reference.optim.AdamW;
import prefdyn.reference.optim.AdamWSettings;
import prefdyn.reference.optim.GradientClipping;
import prefdyn.reference.util.Parallel;

import java.util.List;

/** The float64 reference behind the {@link PolicyEngine} interface: a {@link GptModel} plus its {@link AdamW}. */
public final class ReferenceEngine implements PolicyEngine {

    private final GptModel model;
    private final AdamW optimizer;

    /** An engine around an existing model (its parameters are used as they are). */
    public ReferenceEngine(GptModel model) {
        this.model = model;
        this.optimizer = new AdamW(model.layout());
    }

    /** A fresh model with GPT-2's seeded initialisation. */
    public static ReferenceEngine initialized(GptConfig config, long seed, Parallel parallel) {
        GptModel model = new GptModel(config, parallel);
        GptInitializer.initialize(model.layout(), model.parameters(), seed);
        return new ReferenceEngine(model);
    }

    /** The underlying model, for code that wants the live arrays (tests, analysis in the reference). */
    public GptModel model() {
        return model;
    }

    /** The optimizer, for saving and restoring its state. */
    public AdamW optimizer() {
        return optimizer;
    }

    @Override
    public GptConfig config() {
        return model.config();
    }

    @Override
    public ParameterLayout layout() {
        return model.layout();
    }

    @Override
    public ForwardResult forward(TokenBatch batch) {
        return model.forward(batch);
    }

    @Override
    public double[][] nextTokenLogProbs(TokenBatch batch) {
        return model.nextTokenLogProbs(batch);
    }

    /**
     * A KV-cached session ({@link KvCachedSession}): one new position per row and step instead of the whole
     * prefix, with the same bits as the default {@link RecomputingSession}.
     */
    @Override
    public SamplingSession startSampling(List<int[]> prompts) {
        return new KvCachedSession(model, prompts);
    }

    @Override
    public void backward(BackwardSeeds seeds) {
        model.backward(seeds);
    }

    @Override
    public void zeroGradients() {
        model.zeroGradients();
    }

    @Override
    public void copyParametersTo(double[] destination) {
        copy(model.parameters(), destination);
    }

    @Override
    public void setParameters(double[] source) {
        copy(source, model.parameters());
    }

    @Override
    public void copyGradientsTo(double[] destination) {
        copy(model.gradients(), destination);
    }

    @Override
    public void setGradients(double[] source) {
        copy(source, model.gradients());
    }

    @Override
    public double clipGradientNorm(double maxNorm) {
        return GradientClipping.clipGlobalNorm(model.gradients(), maxNorm);
    }

    @Override
    public void adamWStep(AdamWSettings settings, double learningRate) {
        optimizer.step(model.parameters(), model.gradients(), settings, learningRate);
    }

    @Override
    public long optimizerSteps() {
        return optimizer.steps();
    }

    @Override
    public void copyOptimizerStateTo(double[] firstMoment, double[] secondMoment) {
        double[] m = optimizer.firstMoment();
        double[] v = optimizer.secondMoment();
        if (firstMoment.length != m.length || secondMoment.length != v.length) {
            throw new IllegalArgumentException("optimizer state arrays must have " + m.length + " entries, got "
                    + firstMoment.length + " and " + secondMoment.length);
        }
        System.arraycopy(m, 0, firstMoment, 0, m.length);
        System.arraycopy(v, 0, secondMoment, 0, v.length);
    }

    @Override
    public void restoreOptimizerState(double[] firstMoment, double[] secondMoment, long steps) {
        optimizer.restore(firstMoment, secondMoment, steps);
    }

    private void copy(double[] source, double[] destination) {
        int expected = model.layout().size();
        if (source.length != expected || destination.length != expected) {
            throw new IllegalArgumentException("parameter and gradient arrays hold " + expected
                    + " values for this model, got an array of " + (source.length != expected ? source.length
                    : destination.length));
        }
        System.arraycopy(source, 0, destination, 0, expected);
    }
}
