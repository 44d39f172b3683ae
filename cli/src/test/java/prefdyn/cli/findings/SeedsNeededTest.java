package prefdyn.cli.findings;

import org.junit.jupiter.api.Test;
import prefdyn.cli.findings.SeedsNeeded.Estimate;
import prefdyn.cli.findings.SeedsNeeded.Kind;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Known answers for the seeds-needed estimate, worked by hand from tabulated t quantiles: the smallest n ≥ 2 with
 * |effect| &gt; t<sub>0.975, n−1</sub> · sd / √n.
 */
class SeedsNeededTest {

    @Test
    void anEffectOfOneStandardDeviationNeedsSevenSeeds() {
        // n = 6: t(0.975, 5) = 2.5705818, 2.5705818 / √6 = 1.0494 > 1, not yet;
        // n = 7: t(0.975, 6) = 2.4469119, 2.4469119 / √7 = 0.9248 < 1.
        assertThat(SeedsNeeded.of(1.0, 1.0, 1)).isEqualTo(new Estimate(Kind.SEEDS, 7));
        assertThat(SeedsNeeded.of(1.0, 1.0, 1).text()).isEqualTo("7");
        assertThat(SeedsNeeded.of(-1.0, 1.0, 0)).as("away from the threshold: either side counts")
                .isEqualTo(new Estimate(Kind.SEEDS, 7));
        assertThat(SeedsNeeded.of(3.0, 3.0, 1)).as("only the ratio effect / sd matters")
                .isEqualTo(new Estimate(Kind.SEEDS, 7));
    }

    @Test
    void halfAStandardDeviationBelowNeedsEighteenSeeds() {
        // n = 17: t(0.975, 16) = 2.1199053, / √17 = 0.5142 > 0.5; n = 18: t(0.975, 17) = 2.1098156, / √18 = 0.4973.
        assertThat(SeedsNeeded.of(-0.5, 1.0, -1)).isEqualTo(new Estimate(Kind.SEEDS, 18));
    }

    @Test
    void aPilotWhoseIntervalJustExcludesTheThresholdNeedsExactlyItsOwnSeeds() {
        // 1..5: mean 3, s = √2.5 = 1.5811388. Threshold 0.8, effect 2.2.
        // n = 5: t(0.975, 4) = 2.7764451 · 1.5811388 / √5 = 1.9632 < 2.2;
        // n = 4: t(0.975, 3) = 3.1824463 · 1.5811388 / 2 = 2.5159 > 2.2.
        // So five, and the pilot's own interval [1.037, 4.963] excludes 0.8.
        double[] pilot = {1, 2, 3, 4, 5};
        assertThat(SeedsNeeded.of(pilot, 0.8, 1)).isEqualTo(new Estimate(Kind.SEEDS, 5));
        assertThat(SeedStatistics.of(pilot).side(0.8)).isEqualTo(1);
        // Threshold 1.1, effect 1.9 < 1.9632: the pilot's interval contains it; n = 6: t(0.975, 5) · 1.5811388 / √6
        // = 1.6593 < 1.9, so six.
        assertThat(SeedsNeeded.of(pilot, 1.1, 1)).isEqualTo(new Estimate(Kind.SEEDS, 6));
        assertThat(SeedStatistics.of(pilot).side(1.1)).isZero();
        // Below a threshold of 5.2 mirrors the first case.
        assertThat(SeedsNeeded.of(pilot, 5.2, -1)).isEqualTo(new Estimate(Kind.SEEDS, 5));
    }

    @Test
    void noSpreadNeedsTwoSeedsAndNaNsAreLeftOut() {
        assertThat(SeedsNeeded.of(new double[] {0.1, 0.1, 0.1}, 0, 1)).isEqualTo(new Estimate(Kind.SEEDS, 2));
        assertThat(SeedsNeeded.of(new double[] {1, Double.NaN, 2, 3, 4, 5}, 0.8, 1))
                .isEqualTo(new Estimate(Kind.SEEDS, 5));
    }

    @Test
    void aZeroOrWrongSideEffectNeedsNeverAndOneSeedPlansNothing() {
        assertThat(SeedsNeeded.of(0.0, 1.0, 1).kind()).isEqualTo(Kind.NEVER);
        assertThat(SeedsNeeded.of(0.0, 1.0, 0).kind()).isEqualTo(Kind.NEVER);
        assertThat(SeedsNeeded.of(0.0, 0.0, 1).kind()).as("no effect, no spread").isEqualTo(Kind.NEVER);
        assertThat(SeedsNeeded.of(1.0, 1.0, -1).kind()).isEqualTo(Kind.NEVER);
        assertThat(SeedsNeeded.of(new double[] {1, 2, 3, 4, 5}, 0.8, -1).text()).isEqualTo("never");
        assertThat(SeedsNeeded.of(new double[] {4, Double.NaN}, 0, 1)).isEqualTo(new Estimate(Kind.UNKNOWN, 0));
        assertThat(SeedsNeeded.of(new double[] {4, Double.NaN}, 0, 1).text()).isEqualTo("—");
    }

    @Test
    void theSearchStopsAtAThousandSeeds() {
        // t(0.975, 999) / √1000 = 0.0620547 and t(0.975, 998) / √999 = 0.0620858: 0.06207 first passes at 1000.
        assertThat(SeedsNeeded.of(0.06207, 1.0, 1)).isEqualTo(new Estimate(Kind.SEEDS, 1000));
        assertThat(SeedsNeeded.of(0.0620, 1.0, 1)).isEqualTo(new Estimate(Kind.BEYOND_CAP, 0));
        assertThat(SeedsNeeded.of(0.0620, 1.0, 1).text()).isEqualTo("> 1000");
    }
}
