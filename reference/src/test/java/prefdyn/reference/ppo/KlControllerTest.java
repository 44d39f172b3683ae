package prefdyn.reference.ppo;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class KlControllerTest {

    /** TRL v0.11 defaults (init 0.2, target 6, horizon 10000), worked by hand. */
    @Test
    void adaptiveControllerKnownAnswers() {
        KlController controller = KlController.adaptive(0.2, 6, 10000);
        // KL 9: e = clip(9/6 − 1 = 0.5) = 0.2; β ← 0.2·(1 + 0.2·256/10000) = 0.2·1.00512
        controller.update(9, 256);
        assertThat(controller.coefficient()).isCloseTo(0.201024, within(1e-15));
        // KL 3: e = clip(−0.5) = −0.2; β ← 0.201024·0.99488
        controller.update(3, 256);
        assertThat(controller.coefficient()).isCloseTo(0.201024 * 0.99488, within(1e-15));
        // KL 6.6: e = 0.1 (inside the clip); β ← β·(1 + 0.1·100/10000)
        controller.update(6.6, 100);
        assertThat(controller.coefficient()).isCloseTo(0.201024 * 0.99488 * 1.001, within(1e-15));
        // KL at the target: unchanged.
        double before = controller.coefficient();
        controller.update(6, 1000);
        assertThat(controller.coefficient()).isEqualTo(before);
    }

    @Test
    void fixedControllerNeverMoves() {
        KlController controller = KlController.fixed(0.05);
        controller.update(100, 1_000_000);
        assertThat(controller.coefficient()).isEqualTo(0.05);
    }

    @Test
    void badSettingsAreRefused() {
        assertThatThrownBy(() -> KlController.fixed(-0.1)).hasMessageContaining("KL coefficient");
        assertThatThrownBy(() -> KlController.adaptive(0.2, 0, 10000)).hasMessageContaining("target");
        assertThatThrownBy(() -> KlController.adaptive(0.2, 6, -1)).hasMessageContaining("horizon");
        assertThatThrownBy(() -> KlController.adaptive(0.2, 6, 10000).update(Double.NaN, 8))
                .isInstanceOf(ArithmeticException.class).hasMessageContaining("NaN");
    }
}
