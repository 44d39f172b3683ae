package prefdyn.cli.findings;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Known answers for the band of G per measured step across seeds. */
class StepBandsTest {

    /** t(0.975, 2) in closed form: with 2 degrees of freedom F(t) = ½ + t / (2√(2 + t²)), so t² = 1.805 / 0.0975. */
    private static final double T2 = Math.sqrt(1.805 / 0.0975);

    /** t(0.975, 1) in closed form: the Cauchy quantile tan(π (0.975 − ½)). */
    private static final double T1 = Math.tan(0.475 * Math.PI);

    @Test
    void threeHandMadeSeedCurvesGiveTheirMeanAndIntervalAtEveryStep() {
        double[] steps = {0, 2, 4};
        StepBands.Band band = StepBands.of(List.of(steps, steps, steps), List.of(
                new double[] {1.0, 2, -1.0},
                new double[] {1.2, 2, -1.2},
                new double[] {1.4, 5, -1.4}));
        assertThat(band.steps()).containsExactly(0, 2, 4);
        // t = 0: mean 1.2, s = 0.2, standard error 0.2 / √3.
        // t = 2: mean 3, s² = (1 + 1 + 4) / 2 = 3, standard error 1.
        // t = 4: mean −1.2, s = 0.2, standard error 0.2 / √3.
        double[] mean = {1.2, 3, -1.2};
        double[] half = {T2 * 0.2 / Math.sqrt(3), T2 * 1, T2 * 0.2 / Math.sqrt(3)};
        for (int i = 0; i < 3; i++) {
            assertThat(band.intervals()[i].n()).isEqualTo(3);
            assertThat(band.mean()[i]).as("mean at step %d", i).isCloseTo(mean[i], within(1e-12));
            assertThat(band.lower()[i]).as("lower at step %d", i).isCloseTo(mean[i] - half[i], within(1e-9));
            assertThat(band.upper()[i]).as("upper at step %d", i).isCloseTo(mean[i] + half[i], within(1e-9));
        }
        // 1.2 − 0.497 > 0; 3 − 4.30 < 0 < 3 + 4.30; −1.2 + 0.497 < 0.
        assertThat(band.sides(0)).containsExactly(1, 1, 1);
        assertThat(band.sides(-5)).containsExactly(3, 0, 0);
        assertThat(band.stepsAtOrBelow(0)).containsExactly(4L);
    }

    @Test
    void seedsAreMatchedByStepAndASeedWithoutTheStepIsLeftOutThere() {
        StepBands.Band band = StepBands.of(List.of(new double[] {0, 2}, new double[] {2, 4}),
                List.of(new double[] {1, 3}, new double[] {5, 7}));
        assertThat(band.steps()).as("the first seed's steps").containsExactly(0, 2);
        assertThat(band.intervals()[0].n()).isEqualTo(1);
        assertThat(band.mean()[0]).isEqualTo(1.0);
        assertThat(band.lower()[0]).as("one seed has no interval").isNaN();
        // t = 2: values 3 and 5, mean 4, s = √2, standard error 1, one degree of freedom.
        assertThat(band.intervals()[1].n()).isEqualTo(2);
        assertThat(band.mean()[1]).isEqualTo(4.0);
        assertThat(band.lower()[1]).isCloseTo(4 - T1, within(1e-9));
        assertThat(band.upper()[1]).isCloseTo(4 + T1, within(1e-9));
        assertThat(band.sides(0)).as("no interval at t = 0 counts as containing 0").containsExactly(0, 2, 0);
    }

    @Test
    void aNanValueIsLeftOutAndMismatchedInputIsRefused() {
        double[] steps = {0, 1};
        StepBands.Band band = StepBands.of(List.of(steps, steps, steps),
                List.of(new double[] {2, Double.NaN}, new double[] {4, 1}, new double[] {6, 3}));
        assertThat(band.intervals()[0].n()).isEqualTo(3);
        assertThat(band.mean()[0]).isEqualTo(4.0);
        assertThat(band.intervals()[1].n()).isEqualTo(2);
        assertThat(band.mean()[1]).isEqualTo(2.0);
        assertThatThrownBy(() -> StepBands.of(List.of(steps), List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
