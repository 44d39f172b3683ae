package prefdyn.reference.model;

import java.util.Random;

/**
 * GPT-2's initialisation (Radford et al. 2019 §2.3; HF {@code GPT2PreTrainedModel._init_weights}), seeded:
 * <ul>
 *   <li>every weight matrix and embedding (wte, wpe, c_attn, c_fc, the heads): N(0, 0.02²);</li>
 *   <li>the two residual-stream output projections {@code attn.c_proj} and {@code mlp.c_proj}:
 *       N(0, (0.02/√(2L))²), "scaled by 1/√N where N is the number of residual layers";</li>
 *   <li>biases 0; LayerNorm gains 1.</li>
 * </ul>
 * Draws come from {@code java.util.Random(seed).nextGaussian()} in {@link ParameterLayout} order, an algorithm the
 * Java specification fixes, so a seed gives the same model on every JVM.
 */
public final class GptInitializer {

    /** GPT-2's initializer_range. */
    public static final double STANDARD_DEVIATION = 0.02;

    private GptInitializer() {
    }

    /** Overwrites {@code params} [P] with GPT-2's initialisation for {@code layout}. */
    public static void initialize(ParameterLayout layout, double[] params, long seed) {
        if (params.length != layout.size()) {
            throw new IllegalArgumentException("expected " + layout.size() + " parameters, got " + params.length);
        }
        Random random = new Random(seed);
        double residualScale = 1.0 / Math.sqrt(2.0 * layout.config().numLayers());
        for (TensorView view : layout.tensors()) {
            String name = view.name();
            boolean isMatrix = view.shape().length >= 2;
            for (int i = view.offset(); i < view.end(); i++) {
                if (isMatrix) {
                    double std = name.endsWith("c_proj.weight") ? STANDARD_DEVIATION * residualScale : STANDARD_DEVIATION;
                    params[i] = std * random.nextGaussian();
                } else if (name.endsWith("ln_1.weight") || name.endsWith("ln_2.weight") || name.equals("ln_f.weight")) {
                    params[i] = 1.0;
                } else {
                    params[i] = 0.0;
                }
            }
        }
    }
}
