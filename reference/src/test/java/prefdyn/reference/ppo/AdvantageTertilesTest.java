package prefdyn.reference.ppo;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class AdvantageTertilesTest {

    /**
     * |Â| in batch order: 0.5, 2, 0.1 | 1, 1, 3, 0.2. Ascending (ties by batch order): 0.1, 0.2, 0.5, 1(a), 1(b),
     * 2, 3 → ranks 0..6, tertile ⌊3r/7⌋ = 0,0,0,1,1,2,2.
     */
    @Test
    void knownAnswerWithTies() {
        boolean[][] mask = PpoFixtures.mask(6, new int[] {1, 2}, new int[] {3, 4});
        double[][] advantages = {{0, 0.5, -2, 0.1, 0, 0}, {0, 0, -1, 1, 3, -0.2}};
        int[][] tertiles = AdvantageTertiles.assign(advantages, mask);
        assertThat(tertiles[0]).containsExactly(-1, 0, 2, 0, -1, -1);
        assertThat(tertiles[1]).containsExactly(-1, -1, 1, 1, 2, 0);
    }

    /** Each response token is in exactly one group, sizes differ by at most one, groups are ordered by |Â|. */
    @Test
    void tertilesPartitionTheResponseTokens() {
        Random random = new Random(8);
        for (int trial = 0; trial < 200; trial++) {
            int batchSize = 1 + random.nextInt(4);
            int[] starts = new int[batchSize];
            int[] counts = new int[batchSize];
            for (int b = 0; b < batchSize; b++) {
                starts[b] = 1 + random.nextInt(3);
                counts[b] = 1 + random.nextInt(6);
            }
            boolean[][] mask = PpoFixtures.mask(10, starts, counts);
            double[][] advantages = PpoFixtures.gaussian(random, mask, 1.0);
            if (random.nextBoolean()) {
                advantages[0][starts[0]] = 0.0;   // a zero and (below) ties
            }
            int[][] tertiles = AdvantageTertiles.assign(advantages, mask);
            int n = PpoFixtures.count(mask);
            int[] sizes = new int[3];
            double[] lowest = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
            double[] highest = {-1, -1, -1};
            for (int b = 0; b < batchSize; b++) {
                for (int t = 0; t < 10; t++) {
                    if (!mask[b][t]) {
                        assertThat(tertiles[b][t]).isEqualTo(AdvantageTertiles.NONE);
                        continue;
                    }
                    int k = tertiles[b][t];
                    assertThat(k).isBetween(0, 2);
                    sizes[k]++;
                    lowest[k] = Math.min(lowest[k], Math.abs(advantages[b][t]));
                    highest[k] = Math.max(highest[k], Math.abs(advantages[b][t]));
                }
            }
            assertThat(sizes[0] + sizes[1] + sizes[2]).isEqualTo(n);
            for (int k = 0; k < 3; k++) {
                assertThat(sizes[k]).isBetween(n / 3, (n + 2) / 3);
            }
            if (sizes[1] > 0) {
                assertThat(highest[0]).isLessThanOrEqualTo(lowest[1]);
            }
            if (sizes[2] > 0 && sizes[1] > 0) {
                assertThat(highest[1]).isLessThanOrEqualTo(lowest[2]);
            }
        }
    }
}
