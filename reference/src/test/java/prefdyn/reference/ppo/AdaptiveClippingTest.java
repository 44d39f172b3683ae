package prefdyn.reference.ppo;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * BAPO's bound search on hand-made tokens, with the defaults ρ₀ = ½, c_low ∈ [0.6, 0.9], c_high ∈ [1.2, 3.0], steps
 * 0.05.
 *
 * <pre>
 *   tokens (ρ, Â): (1.5, +1), (0.7, −1), (0.75, −1), (1.0, −0.2)
 *   start c_low 0.6, c_high 1.2: P = 0 (ρ 1.5 &gt; 1.2 is clipped), N = 0.7 + 0.75 + 0.2 = 1.65: share 0
 *   c_low → 0.65, 0.70: still N = 1.65 (ρ 0.7 ≥ 0.70); c_low 0.75 (0.6 + 3·0.05 in floating point, just below 0.75):
 *     0.7 is clipped, N = 0.95; c_low 0.80: N = 0.2; … c_low 0.9: N = 0.2, share still 0
 *   c_high → 1.25, …, 1.50 (1.2 + 6·0.05, within rounding of 1.5): once c_high ≥ 1.5, P = 1.5, share = 1.5/1.7 ≥ ½
 * </pre>
 */
class AdaptiveClippingTest {

    @Test
    void searchMovesTheLowerBoundFirstThenTheUpper() {
        double[][] ratios = {{1.5, 0.7, 0.75, 1.0}};
        double[][] advantages = {{1, -1, -1, -0.2}};
        boolean[][] mask = {{true, true, true, true}};
        AdaptiveClipping.Bounds bounds = AdaptiveClipping.defaults().search(ratios, advantages, mask);
        assertThat(bounds.low()).isCloseTo(0.9, within(1e-12));
        assertThat(bounds.high()).isGreaterThanOrEqualTo(1.5).isLessThan(1.55 + 1e-12);
        assertThat(bounds.positiveShare()).isCloseTo(1.5 / 1.7, within(1e-15));
    }

    @Test
    void balancedTokensKeepTheStartingBounds() {
        AdaptiveClipping.Bounds bounds = AdaptiveClipping.defaults().search(new double[][] {{1.0, 1.0}},
                new double[][] {{1, -0.5}}, new boolean[][] {{true, true}});
        assertThat(bounds.low()).isEqualTo(0.6);
        assertThat(bounds.high()).isEqualTo(1.2);
        assertThat(bounds.positiveShare()).isCloseTo(1 / 1.5, within(1e-15));
    }

    @Test
    void badBoundsAreOneLineErrors() {
        assertThatThrownBy(() -> new AdaptiveClipping(0.5, 0.9, 0.6, 0.05, 1.2, 3.0, 0.05))
                .hasMessageContaining("lowerStart <= lowerMax");
        assertThatThrownBy(() -> new AdaptiveClipping(1.5, 0.6, 0.9, 0.05, 1.2, 3.0, 0.05))
                .hasMessageContaining("ρ₀");
    }
}
