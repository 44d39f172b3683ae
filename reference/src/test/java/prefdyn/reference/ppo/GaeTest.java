package prefdyn.reference.ppo;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class GaeTest {

    /**
     * γ = 0.9, λ = 0.5, response tokens at positions 1..3, padding at 4:
     * <pre>
     *   t=3: δ = 2 + 0.9·0 − (−1) = 3,        A = 3
     *   t=2: δ = 0 + 0.9·(−1) − 1 = −1.9,     A = −1.9 + 0.45·3 = −0.55
     *   t=1: δ = 1 + 0.9·1 − 0.5 = 1.4,       A = 1.4 + 0.45·(−0.55) = 1.1525
     * </pre>
     */
    @Test
    void handExample() {
        boolean[][] mask = PpoFixtures.mask(5, new int[] {1}, new int[] {3});
        double[][] rewards = {{0, 1, 0, 2, 0}};
        double[][] values = {{0, 0.5, 1.0, -1.0, 0}};
        Gae.AdvantagesAndReturns gae = Gae.estimate(rewards, values, mask, 0.9, 0.5);
        assertThat(gae.advantages()[0][3]).isCloseTo(3.0, within(1e-15));
        assertThat(gae.advantages()[0][2]).isCloseTo(-0.55, within(1e-15));
        assertThat(gae.advantages()[0][1]).isCloseTo(1.1525, within(1e-15));
        assertThat(gae.advantages()[0][0]).isEqualTo(0.0);
        assertThat(gae.advantages()[0][4]).isEqualTo(0.0);
        assertThat(gae.returns()[0]).containsExactly(new double[] {0, 1.6525, 0.45, 2.0, 0}, within(1e-15));
    }

    /** γ = λ = 1 and V = 0: Â_t is the Monte-Carlo return Σ_{s≥t} r_s. */
    @Test
    void undiscountedWithZeroValuesIsTheRewardToGo() {
        boolean[][] mask = PpoFixtures.mask(4, new int[] {1}, new int[] {3});
        double[][] rewards = {{0, -0.25, 0.5, 4}};
        Gae.AdvantagesAndReturns gae = Gae.estimate(rewards, new double[1][4], mask, 1.0, 1.0);
        assertThat(gae.advantages()[0]).containsExactly(0, 4.25, 4.5, 4);
    }

    /** Â_t = Σ_l (γλ)^l δ_{t+l} by brute force, on ragged random batches. */
    @Test
    void equalsTheBruteForceDiscountedSumOfDeltas() {
        Random random = new Random(3);
        for (int trial = 0; trial < 200; trial++) {
            int batchSize = 1 + random.nextInt(4);
            int[] starts = new int[batchSize];
            int[] counts = new int[batchSize];
            int width = 12;
            for (int b = 0; b < batchSize; b++) {
                starts[b] = 1 + random.nextInt(4);
                counts[b] = 1 + random.nextInt(width - starts[b]);
            }
            boolean[][] mask = PpoFixtures.mask(width, starts, counts);
            double[][] rewards = PpoFixtures.gaussian(random, mask, 1.0);
            double[][] values = PpoFixtures.gaussian(random, mask, 2.0);
            double gamma = random.nextDouble();
            double lambda = random.nextDouble();
            Gae.AdvantagesAndReturns gae = Gae.estimate(rewards, values, mask, gamma, lambda);
            for (int b = 0; b < batchSize; b++) {
                int end = starts[b] + counts[b];
                for (int t = starts[b]; t < end; t++) {
                    double expected = 0;
                    for (int l = 0; t + l < end; l++) {
                        int s = t + l;
                        double nextValue = s + 1 < end ? values[b][s + 1] : 0.0;
                        double delta = rewards[b][s] + gamma * nextValue - values[b][s];
                        expected += Math.pow(gamma * lambda, l) * delta;
                    }
                    assertThat(gae.advantages()[b][t]).isCloseTo(expected, within(1e-12));
                    assertThat(gae.returns()[b][t]).isEqualTo(gae.advantages()[b][t] + values[b][t]);
                }
                for (int t = 0; t < width; t++) {
                    if (!mask[b][t]) {
                        assertThat(gae.advantages()[b][t]).isEqualTo(0.0);
                        assertThat(gae.returns()[b][t]).isEqualTo(0.0);
                    }
                }
            }
        }
    }
}
