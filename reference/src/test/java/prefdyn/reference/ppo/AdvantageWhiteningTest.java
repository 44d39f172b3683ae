package prefdyn.reference.ppo;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class AdvantageWhiteningTest {

    /** x = 1, 2, 3, 4 over two rows: μ = 2.5, unbiased σ² = 5/3. */
    @Test
    void knownAnswer() {
        boolean[][] mask = PpoFixtures.mask(4, new int[] {1, 2}, new int[] {2, 2});
        double[][] x = {{0, 1, 2, 99}, {99, 0, 3, 4}};
        double[][] whitened = AdvantageWhitening.whiten(x, mask);
        double scale = 1 / Math.sqrt(5.0 / 3.0 + 1e-8);
        assertThat(whitened[0]).containsExactly(new double[] {0, -1.5 * scale, -0.5 * scale, 0}, within(1e-15));
        assertThat(whitened[1]).containsExactly(new double[] {0, 0, 0.5 * scale, 1.5 * scale}, within(1e-15));
    }

    /** Mean 0 and unbiased variance 1 to 1e-12 (the inputs' variance ≈ 1e6 makes the 1e-8 negligible). */
    @Test
    void randomBatchesHaveMeanZeroAndVarianceOne() {
        Random random = new Random(5);
        for (int trial = 0; trial < 100; trial++) {
            boolean[][] mask = randomMask(random);
            double[][] x = PpoFixtures.gaussian(random, mask, 1000.0);
            for (double[] row : x) {
                for (int t = 0; t < row.length; t++) {
                    row[t] += 37.0;
                }
            }
            double[][] whitened = AdvantageWhitening.whiten(x, mask);
            assertThat(AdvantageWhitening.maskedMean(whitened, mask)).isCloseTo(0.0, within(1e-12));
            assertThat(AdvantageWhitening.unbiasedVariance(whitened, mask)).isCloseTo(1.0, within(1e-12));
        }
    }

    /** At unit scale the variance is exactly σ²/(σ² + 1e-8), which is TRL's masked_whiten. */
    @Test
    void theEpsilonShowsAtSmallScale() {
        Random random = new Random(6);
        boolean[][] mask = randomMask(random);
        double[][] x = PpoFixtures.gaussian(random, mask, 1e-4);
        double variance = AdvantageWhitening.unbiasedVariance(x, mask);
        double[][] whitened = AdvantageWhitening.whiten(x, mask);
        assertThat(AdvantageWhitening.unbiasedVariance(whitened, mask))
                .isCloseTo(variance / (variance + 1e-8), within(1e-12));
    }

    @Test
    void equalAdvantagesWhitenToZeroAndOneTokenIsAnError() {
        boolean[][] mask = PpoFixtures.mask(3, new int[] {1}, new int[] {2});
        assertThat(AdvantageWhitening.whiten(new double[][] {{0, 2, 2}}, mask)[0]).containsExactly(0, 0, 0);
        boolean[][] single = PpoFixtures.mask(3, new int[] {1}, new int[] {1});
        assertThatThrownBy(() -> AdvantageWhitening.whiten(new double[][] {{0, 2, 0}}, single))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least two response tokens");
    }

    private static boolean[][] randomMask(Random random) {
        int batchSize = 1 + random.nextInt(5);
        int[] starts = new int[batchSize];
        int[] counts = new int[batchSize];
        for (int b = 0; b < batchSize; b++) {
            starts[b] = 1 + random.nextInt(3);
            counts[b] = 1 + random.nextInt(6);
        }
        counts[0] = Math.max(counts[0], 2);
        return PpoFixtures.mask(10, starts, counts);
    }
}
