package prefdyn.oracle;

import prefdyn.accelerated.check.Tolerance;

import java.util.Map;

/**
 * Every tolerance the vector engine ({@code prefdyn.vector}) is held to against the float64 reference, in one
 * place, each |vector − ref| ≤ abs + rel · max|ref| ({@link Tolerance}), with the error measured beside it.
 * PROVISIONAL: the twin's bounds, until measured.
 */
final class VectorTolerances {

    private VectorTolerances() {
    }

    private static final Tolerance KERNEL = new Tolerance(1e-7, 2e-6);

    private static final Map<String, Tolerance> KERNELS = Map.ofEntries(
            Map.entry("encoderForward", KERNEL),
            Map.entry("encoderBackward", KERNEL),
            Map.entry("encoderForwardAtPositions", KERNEL),
            Map.entry("layerNormForward", new Tolerance(1e-7, 1e-4)),
            Map.entry("layerNormBackward", new Tolerance(1e-7, 5e-4)),
            Map.entry("linearForward", KERNEL),
            Map.entry("linearBackward", KERNEL),
            Map.entry("attentionForward", KERNEL),
            Map.entry("attentionBackward", KERNEL),
            Map.entry("attendOneQuery", KERNEL),
            Map.entry("storeKeysValues", KERNEL),
            Map.entry("geluForward", new Tolerance(1e-6, 2e-6)),
            Map.entry("geluBackward", new Tolerance(1e-7, 3e-5)),
            Map.entry("residualForward", KERNEL),
            Map.entry("residualBackward", KERNEL),
            Map.entry("linearGeluForward", new Tolerance(1e-6, 2e-6)),
            Map.entry("linearResidualForward", KERNEL),
            Map.entry("linearResidualBackward", KERNEL),
            Map.entry("lastPositionForward", KERNEL),
            Map.entry("lmHeadForward", KERNEL),
            Map.entry("lmHeadBackward", KERNEL),
            Map.entry("logSoftmaxForward", KERNEL),
            Map.entry("logSoftmaxBackward", KERNEL),
            Map.entry("tokenLogProbForward", KERNEL),
            Map.entry("tokenLogProbBackward", KERNEL),
            Map.entry("predictionStatistics", KERNEL),
            Map.entry("step", KERNEL),
            Map.entry("globalNorm", new Tolerance(1e-7, 5e-6)),
            Map.entry("clipGlobalNorm", new Tolerance(1e-7, 5e-6)));

    /** The tolerance of the layer pair named {@code name}. */
    static Tolerance kernel(String name) {
        Tolerance tolerance = KERNELS.get(name);
        if (tolerance == null) {
            throw new IllegalArgumentException("no tolerance for the vector layer " + name
                    + ": add one to VectorTolerances");
        }
        return tolerance;
    }

    static final Tolerance MODEL_LOG_PROBS = new Tolerance(1e-6, 5e-6);
    static final Tolerance MODEL_SEQUENCE_LOG_PROBS = new Tolerance(1e-6, 5e-6);
    static final Tolerance MODEL_ENTROPIES = new Tolerance(1e-6, 2e-5);
    static final Tolerance MODEL_MAX_PROBS = new Tolerance(1e-7, 2e-5);
    static final Tolerance MODEL_VALUES = new Tolerance(1e-7, 3e-5);
    static final Tolerance MODEL_REWARDS = new Tolerance(1e-7, 3e-5);
    static final Tolerance MODEL_NEXT_TOKEN_LOG_PROBS = new Tolerance(1e-6, 5e-6);
    static final Tolerance MODEL_GRADIENTS = new Tolerance(2e-4, 3e-3);

    static final Tolerance SFT_METRICS = new Tolerance(1e-7, 1e-5);
    static final Tolerance SFT_PARAMETERS = new Tolerance(1e-2, 0);
    static final Tolerance DPO_METRICS = new Tolerance(1e-7, 1e-5);
    static final Tolerance DPO_PARAMETERS = new Tolerance(1e-2, 0);
    static final Tolerance PPO_METRICS = new Tolerance(1e-7, 2e-5);
    static final Tolerance PPO_PARAMETERS = new Tolerance(2e-2, 0);

    static final Tolerance G = new Tolerance(1e-7, 5e-6);
    static final Tolerance G_NORMS = new Tolerance(1e-7, 2e-6);
    static final Tolerance G_COSINES = new Tolerance(1e-7, 5e-6);
}
