package prefdyn.reference.optim;

import org.junit.jupiter.api.Test;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.ParameterLayout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class AdamWTest {

    private static final GptConfig CONFIG = new GptConfig(5, 3, 1, 1, 2, true, false);

    /**
     * Known answer for the first step: m̂ = g and v̂ = g², so θ₁ = θ₀·(1 − lr·λ) − lr·g/(|g| + ε) for decayed
     * tensors and θ₀ − lr·g/(|g| + ε) for the others.
     */
    @Test
    void firstStepMovesEachParameterByLearningRateAgainstTheGradientSign() {
        ParameterLayout layout = new ParameterLayout(CONFIG);
        AdamW adamW = new AdamW(layout);
        double[] params = new double[layout.size()];
        double[] grads = new double[layout.size()];
        for (int i = 0; i < params.length; i++) {
            params[i] = 0.5 + 0.01 * i;
            grads[i] = (i % 3 - 1) * 0.25 + 0.003 * i;
        }
        double[] before = params.clone();
        AdamWSettings settings = new AdamWSettings(0.9, 0.999, 1e-8, 0.1);
        double lr = 1e-3;

        adamW.step(params, grads, settings, lr);

        int wte = layout.offset("wte.weight");          // a matrix: decayed
        int lnBias = layout.offset("h.0.ln_1.bias");    // a vector: not decayed
        double g = grads[wte];
        assertThat(params[wte]).isCloseTo(before[wte] * (1 - lr * 0.1) - lr * g / (Math.abs(g) + 1e-8), within(1e-15));
        double gBias = grads[lnBias];
        assertThat(params[lnBias]).isCloseTo(before[lnBias] - lr * gBias / (Math.abs(gBias) + 1e-8), within(1e-15));
        assertThat(adamW.steps()).isEqualTo(1);
    }

    /** Known answer for two steps with a constant gradient g: m₂ = (1−β₁²)g, v₂ = (1−β₂²)g², so m̂ = g and v̂ = g² again. */
    @Test
    void constantGradientGivesTheSameBiasCorrectedStepTwice() {
        ParameterLayout layout = new ParameterLayout(CONFIG);
        AdamW adamW = new AdamW(layout);
        double[] params = new double[layout.size()];
        double[] grads = new double[layout.size()];
        java.util.Arrays.fill(grads, -2.0);
        AdamWSettings noDecay = new AdamWSettings(0.9, 0.95, 1e-8, 0.0);

        adamW.step(params, grads, noDecay, 0.01);
        adamW.step(params, grads, noDecay, 0.01);

        double expected = 2 * 0.01 * 2.0 / (2.0 + 1e-8);
        for (double p : params) {
            assertThat(p).isCloseTo(expected, within(1e-15));
        }
    }

    @Test
    void stateRoundTripsThroughRestore() {
        ParameterLayout layout = new ParameterLayout(CONFIG);
        AdamW first = new AdamW(layout);
        double[] params = new double[layout.size()];
        double[] grads = new double[layout.size()];
        for (int i = 0; i < grads.length; i++) {
            grads[i] = Math.sin(i);
        }
        first.step(params, grads, AdamWSettings.defaults(), 0.01);
        AdamW restored = new AdamW(layout);
        restored.restore(first.firstMoment(), first.secondMoment(), first.steps());
        double[] paramsA = params.clone();
        double[] paramsB = params.clone();

        first.step(paramsA, grads, AdamWSettings.defaults(), 0.01);
        restored.step(paramsB, grads, AdamWSettings.defaults(), 0.01);

        assertThat(paramsB).containsExactly(paramsA);
    }

    @Test
    void rejectsBadSettingsWithTheFieldName() {
        assertThatThrownBy(() -> new AdamWSettings(1.0, 0.999, 1e-8, 0)).hasMessageContaining("beta1");
        assertThatThrownBy(() -> new AdamWSettings(0.9, 0.999, 0, 0)).hasMessageContaining("epsilon");
        assertThatThrownBy(() -> new AdamWSettings(0.9, 0.999, 1e-8, -1)).hasMessageContaining("weightDecay");
        ParameterLayout layout = new ParameterLayout(CONFIG);
        AdamW adamW = new AdamW(layout);
        assertThatThrownBy(() -> adamW.step(new double[3], new double[3], AdamWSettings.defaults(), 0.1))
                .hasMessageContaining("expected " + layout.size());
        assertThatThrownBy(() -> adamW.step(new double[layout.size()], new double[layout.size()],
                AdamWSettings.defaults(), Double.NaN)).hasMessageContaining("learning rate");
    }
}
