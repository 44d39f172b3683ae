package prefdyn.cli.findings;

import org.junit.jupiter.api.Test;
import prefdyn.cli.findings.SeedStatistics.Interval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Known answers for the across-seed intervals. */
class SeedStatisticsTest {

    @Test
    void theTIntervalOfOneToFiveIsKnown() {
        // mean 3, s² = 2.5, standard error √(2.5/5) = 0.7071068; t(0.975, 4) = 2.7764451 (tables).
        Interval interval = SeedStatistics.of(new double[] {1, 2, 3, 4, 5});
        assertThat(interval.n()).isEqualTo(5);
        assertThat(interval.mean()).isEqualTo(3.0);
        assertThat(interval.upper() - interval.mean()).isCloseTo(2.7764451 * 0.70710678, within(1e-6));
        assertThat(interval.mean() - interval.lower()).isCloseTo(2.7764451 * 0.70710678, within(1e-6));
        assertThat(interval.side(0)).isEqualTo(1);
        assertThat(interval.side(3)).isZero();
        assertThat(interval.side(6)).isEqualTo(-1);
    }

    @Test
    void twoSeedsUseTheWideTOfOneDegreeOfFreedom() {
        // mean 1, s = √2, standard error 1, t(0.975, 1) = 12.7062047.
        Interval interval = SeedStatistics.of(new double[] {0, 2});
        assertThat(interval.lower()).isCloseTo(1 - 12.7062047, within(1e-6));
        assertThat(interval.upper()).isCloseTo(1 + 12.7062047, within(1e-6));
    }

    @Test
    void nanValuesAreLeftOutAndOneValueHasNoInterval() {
        Interval interval = SeedStatistics.of(new double[] {Double.NaN, 4, Double.NaN});
        assertThat(interval.n()).isEqualTo(1);
        assertThat(interval.mean()).isEqualTo(4.0);
        assertThat(interval.lower()).isNaN();
        assertThat(interval.side(0)).as("one seed decides nothing").isZero();
        assertThat(interval.text()).isEqualTo("4 (one seed)");
        assertThat(SeedStatistics.of(new double[] {Double.NaN}).text()).isEqualTo("—");
    }

    @Test
    void pairedDifferencesRemoveTheSharedOffset() {
        // Each seed shifts both variants alike; the difference is exactly 1 per seed, so the interval is [1, 1].
        double[] standard = {10, 20, 30};
        double[] variant = {11, 21, 31};
        Interval difference = SeedStatistics.paired(variant, standard);
        assertThat(difference.mean()).isEqualTo(1.0);
        assertThat(difference.lower()).isEqualTo(1.0);
        assertThat(difference.upper()).isEqualTo(1.0);
        assertThat(SeedStatistics.of(variant).side(21)).as("unpaired, the same data is within noise").isZero();
        assertThatThrownBy(() -> SeedStatistics.paired(new double[2], new double[3]))
                .hasMessageContaining("one per seed");
    }
}
