package prefdyn.reference;

import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.util.Parallel;

import java.util.Random;

/** Engines for tests. */
public final class TestEngines {

    private TestEngines() {
    }

    /**
     * GPT-2's seeded initialisation plus Gaussian noise of standard deviation {@code noise} on every parameter, so
     * LayerNorm gains and biases are not at their trivial values and gradients reach every tensor.
     */
    public static ReferenceEngine noisy(GptConfig config, long seed, double noise) {
        ReferenceEngine engine = ReferenceEngine.initialized(config, seed, Parallel.sequential());
        double[] params = new double[engine.layout().size()];
        engine.copyParametersTo(params);
        Random random = new Random(seed);
        for (int i = 0; i < params.length; i++) {
            params[i] += noise * random.nextGaussian();
        }
        engine.setParameters(params);
        return engine;
    }
}
