package prefdyn.reference.train;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CosineLearningRateTest {

    @Test
    void warmsUpLinearlyThenFallsAlongAHalfCosineToTheFloorAtTheLastStep() {
        // peak 1, floor 0.1, 4 warm-up steps, 9 steps in all: the decay spans steps 4..8, p = (t - 4) / 4
        CosineLearningRate lr = new CosineLearningRate(1.0, 4, 9, 0.1);
        assertThat(lr.applyAsDouble(0)).isEqualTo(0.25);
        assertThat(lr.applyAsDouble(3)).isEqualTo(1.0);
        assertThat(lr.applyAsDouble(4)).isEqualTo(1.0);                                  // p = 0
        assertThat(lr.applyAsDouble(6)).isCloseTo(0.1 + 0.5 * 0.9, within(1e-15));      // p = 1/2: cos = 0
        assertThat(lr.applyAsDouble(5)).isCloseTo(0.1 + 0.5 * (1 + Math.sqrt(0.5)) * 0.9, within(1e-15));
        assertThat(lr.applyAsDouble(8)).isCloseTo(0.1, within(1e-15));                  // p = 1
        assertThat(lr.applyAsDouble(50)).isCloseTo(0.1, within(1e-15));                 // clamped after the end
    }

    @Test
    void refusesAFloorAboveThePeakAndAWarmUpAsLongAsTheRun() {
        assertThatThrownBy(() -> new CosineLearningRate(1e-3, 10, 100, 2e-3)).hasMessageContaining("floor");
        assertThatThrownBy(() -> new CosineLearningRate(1e-3, 100, 100, 1e-4)).hasMessageContaining("warmupSteps");
    }
}
