package prefdyn.reference.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class GptInitializerTest {

    private static final GptConfig CONFIG = new GptConfig(257, 64, 2, 4, 64, true, true);

    @Test
    void sameSeedSameModelAndDifferentSeedDifferentModel() {
        ParameterLayout layout = new ParameterLayout(CONFIG);
        double[] first = new double[layout.size()];
        double[] second = new double[layout.size()];
        double[] other = new double[layout.size()];
        GptInitializer.initialize(layout, first, 7);
        GptInitializer.initialize(layout, second, 7);
        GptInitializer.initialize(layout, other, 8);

        assertThat(second).containsExactly(first);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void followsGpt2Scales() {
        ParameterLayout layout = new ParameterLayout(CONFIG);
        double[] params = new double[layout.size()];
        GptInitializer.initialize(layout, params, 1);

        // 64·192 = 12,288 draws: the sample std is within ~1% of the target.
        assertThat(std(params, layout.tensor("h.0.attn.c_attn.weight"))).isCloseTo(0.02, within(0.0005));
        double residualStd = 0.02 / Math.sqrt(2 * CONFIG.numLayers());
        assertThat(std(params, layout.tensor("h.1.mlp.c_proj.weight"))).isCloseTo(residualStd, within(0.0004));
        assertThat(std(params, layout.tensor("h.1.attn.c_proj.weight"))).isCloseTo(residualStd, within(0.0006));
        assertAll(params, layout.tensor("h.0.ln_1.weight"), 1.0);
        assertAll(params, layout.tensor("ln_f.weight"), 1.0);
        assertAll(params, layout.tensor("h.1.attn.c_attn.bias"), 0.0);
        assertAll(params, layout.tensor("v_head.summary.bias"), 0.0);
    }

    private static double std(double[] params, TensorView view) {
        double sum = 0;
        double squares = 0;
        for (int i = view.offset(); i < view.end(); i++) {
            sum += params[i];
            squares += params[i] * params[i];
        }
        double mean = sum / view.size();
        return Math.sqrt(squares / view.size() - mean * mean);
    }

    private static void assertAll(double[] params, TensorView view, double expected) {
        for (int i = view.offset(); i < view.end(); i++) {
            assertThat(params[i]).as(view.name() + "[" + (i - view.offset()) + "]").isEqualTo(expected);
        }
    }
}
