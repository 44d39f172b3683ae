package prefdyn.reference.train;

import prefdyn.reference.engine.BackwardSeeds;
import prefdyn.reference.engine.ForwardingEngine;
import prefdyn.reference.engine.PolicyEngine;

import java.util.ArrayList;
import java.util.List;

/**
 * Delegates to an engine and records what a training step does with it: the number of backward passes, and the
 * gradient each optimizer step applies (copied when the trainer clips it, i.e. before clipping).
 */
public final class StepRecordingEngine extends ForwardingEngine {

    private int backwardCalls;
    private final List<double[]> clippedGradients = new ArrayList<>();

    public StepRecordingEngine(PolicyEngine engine) {
        super(engine);
    }

    /** Backward passes run so far. */
    public int backwardCalls() {
        return backwardCalls;
    }

    /** [updates][P] the gradient of each update so far, as it stood before clipping. */
    public List<double[]> gradients() {
        return clippedGradients;
    }

    @Override
    public void backward(BackwardSeeds seeds) {
        backwardCalls++;
        super.backward(seeds);
    }

    @Override
    public double clipGradientNorm(double maxNorm) {
        double[] gradient = new double[layout().size()];
        copyGradientsTo(gradient);
        clippedGradients.add(gradient);
        return super.clipGradientNorm(maxNorm);
    }
}
