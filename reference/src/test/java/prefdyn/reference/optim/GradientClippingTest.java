package prefdyn.reference.optim;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class GradientClippingTest {

    @Test
    void clipsAThreeFourFiveVectorToTheRequestedNorm() {
        double[] grads = {3.0, 0.0, 4.0};

        double normBefore = GradientClipping.clipGlobalNorm(grads, 1.0);

        assertThat(normBefore).isEqualTo(5.0);
        double coefficient = 1.0 / (5.0 + 1e-6); // PyTorch's clip_grad_norm_ formula
        assertThat(grads).containsExactly(3.0 * coefficient, 0.0, 4.0 * coefficient);
        assertThat(GradientClipping.globalNorm(grads)).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void leavesGradientsBelowTheThresholdUntouched() {
        double[] grads = {0.3, -0.4};

        double norm = GradientClipping.clipGlobalNorm(grads, 1.0);

        assertThat(norm).isCloseTo(0.5, within(1e-15));
        assertThat(grads).containsExactly(0.3, -0.4);
    }

    @Test
    void rejectsANonPositiveMaximum() {
        assertThatThrownBy(() -> GradientClipping.clipGlobalNorm(new double[1], 0.0)).hasMessageContaining("maxNorm");
    }
}
