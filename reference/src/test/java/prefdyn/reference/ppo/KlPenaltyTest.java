package prefdyn.reference.ppo;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class KlPenaltyTest {

    @Test
    void k1AndK3KnownAnswers() {
        // π_old(a) = 0.5, π_ref(a) = 0.25: k1 = ln 2; logr = ln ½, k3 = (½ − 1) + ln 2.
        double oldLogProb = Math.log(0.5);
        double refLogProb = Math.log(0.25);
        assertThat(KlEstimator.K1.estimate(oldLogProb, refLogProb)).isCloseTo(Math.log(2), within(1e-15));
        assertThat(KlEstimator.K3.estimate(oldLogProb, refLogProb)).isCloseTo(Math.log(2) - 0.5, within(1e-15));
        // The other direction: k1 is negative, k3 is still positive: e − 1 − 1 for logr = 1.
        assertThat(KlEstimator.K1.estimate(-2.0, -1.0)).isEqualTo(-1.0);
        assertThat(KlEstimator.K3.estimate(-2.0, -1.0)).isCloseTo(Math.E - 2, within(1e-15));
        // Equal log-probs: both are exactly 0.
        assertThat(KlEstimator.K1.estimate(-3.0, -3.0)).isEqualTo(0.0);
        assertThat(KlEstimator.K3.estimate(-3.0, -3.0)).isEqualTo(0.0);
    }

    @Test
    void k3IsNeverNegativeForRandomLogProbs() {
        Random random = new Random(11);
        for (int i = 0; i < 100_000; i++) {
            double oldLogProb = -20 * random.nextDouble();
            double refLogProb = random.nextBoolean() ? -20 * random.nextDouble() : oldLogProb + 1e-9 * random.nextGaussian();
            assertThat(KlEstimator.K3.estimate(oldLogProb, refLogProb)).isGreaterThanOrEqualTo(0.0);
        }
    }

    @Test
    void tokenRewardsPutTheScoreOnTheLastResponseTokenKnownAnswer() {
        boolean[][] mask = PpoFixtures.mask(5, new int[] {1, 2}, new int[] {3, 2});
        double[][] kl = {{0, 0.1, -0.2, 0.4, 0}, {0, 0, 1.0, 2.0, 0}};
        double[][] rewards = KlPenalty.tokenRewards(kl, new double[] {10, -1}, 0.5, mask);
        assertThat(rewards[0]).containsExactly(0, -0.05, 0.1, -0.2 + 10, 0);
        assertThat(rewards[1]).containsExactly(0, 0, -0.5, -1.0 - 1, 0);
        // TRL's x.sum(1).mean(): (0.3 + 3) / 2.
        assertThat(KlPenalty.meanSequenceSum(kl, mask)).isCloseTo(1.65, within(1e-15));
    }

    @Test
    void perTokenIsZeroOffTheMask() {
        boolean[][] mask = PpoFixtures.mask(4, new int[] {2}, new int[] {1});
        double[][] old = {{-1, -2, -3, -4}};
        double[][] ref = {{-5, -5, -5, -5}};
        assertThat(KlPenalty.perToken(KlEstimator.K1, old, ref, mask)[0]).containsExactly(0, 0, 2, 0);
    }

    @Test
    void aRowWithoutResponseTokensCannotCarryItsScore() {
        boolean[][] mask = {{false, false}};
        assertThatThrownBy(() -> KlPenalty.tokenRewards(new double[1][2], new double[] {1}, 0.1, mask))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sequence 0 has no response token");
    }
}
