package prefdyn.reference.engine;

import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.ParameterLayout;
import prefdyn.reference.optim.AdamWSettings;

import java.util.List;

/**
 * A {@link PolicyEngine} that passes every call to another engine unchanged: the base of wrappers that watch an
 * engine (the benchmark's meter, a test's call counter) and override only the calls they watch. Sampling sessions
 * and {@link #close()} are the delegate's own.
 */
public abstract class ForwardingEngine implements PolicyEngine {

    /** The engine every call goes to. */
    protected final PolicyEngine delegate;

    protected ForwardingEngine(PolicyEngine delegate) {
        this.delegate = delegate;
    }

    @Override
    public GptConfig config() {
        return delegate.config();
    }

    @Override
    public ParameterLayout layout() {
        return delegate.layout();
    }

    @Override
    public ForwardResult forward(TokenBatch batch) {
        return delegate.forward(batch);
    }

    @Override
    public double[][] nextTokenLogProbs(TokenBatch batch) {
        return delegate.nextTokenLogProbs(batch);
    }

    @Override
    public SamplingSession startSampling(List<int[]> prompts) {
        return delegate.startSampling(prompts);
    }

    @Override
    public void backward(BackwardSeeds seeds) {
        delegate.backward(seeds);
    }

    @Override
    public void zeroGradients() {
        delegate.zeroGradients();
    }

    @Override
    public void copyParametersTo(double[] destination) {
        delegate.copyParametersTo(destination);
    }

    @Override
    public void setParameters(double[] source) {
        delegate.setParameters(source);
    }

    @Override
    public void copyGradientsTo(double[] destination) {
        delegate.copyGradientsTo(destination);
    }

    @Override
    public void setGradients(double[] source) {
        delegate.setGradients(source);
    }

    @Override
    public double clipGradientNorm(double maxNorm) {
        return delegate.clipGradientNorm(maxNorm);
    }

    @Override
    public void adamWStep(AdamWSettings settings, double learningRate) {
        delegate.adamWStep(settings, learningRate);
    }

    @Override
    public long optimizerSteps() {
        return delegate.optimizerSteps();
    }

    @Override
    public void copyOptimizerStateTo(double[] firstMoment, double[] secondMoment) {
        delegate.copyOptimizerStateTo(firstMoment, secondMoment);
    }

    @Override
    public void restoreOptimizerState(double[] firstMoment, double[] secondMoment, long steps) {
        delegate.restoreOptimizerState(firstMoment, secondMoment, steps);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
