package prefdyn.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class WinRateTest {

    @Test
    void allWinsGiveOneWithAnIntervalOfOne() {
        Estimate rate = WinRate.of(new double[] {3, 2, 5, 1}, new double[] {0, 1, 4, -2}, 7L);

        assertThat(rate).isEqualTo(new Estimate(1.0, 1.0, 1.0, 0.95, 4));
    }

    @Test
    void winTieLossByHand() {
        // Prompt 1: policy 1 > SFT 0, a win (1). Prompt 2: 2 = 2, a tie (½). Prompt 3: 3 < 4, a loss (0).
        double[] policy = {1, 2, 3};
        double[] sft = {0, 2, 4};

        assertThat(WinRate.outcomes(policy, sft)).containsExactly(1.0, 0.5, 0.0);
        Estimate rate = WinRate.of(policy, sft, 7L);
        assertThat(rate.value()).isEqualTo(0.5);
        assertThat(rate.lower()).isBetween(0.0, 0.5);
        assertThat(rate.upper()).isBetween(0.5, 1.0);
    }

    @Test
    void allTiesGiveOneHalf() {
        Estimate rate = WinRate.of(new double[] {0, 0, 1}, new double[] {0, 0, 1}, 7L);

        assertThat(rate).isEqualTo(new Estimate(0.5, 0.5, 0.5, 0.95, 3));
    }

    @Test
    void oneWinOneLossSpansTheWholeRange() {
        // Resampled win rates are 0, ½ or 1 with probabilities ¼, ½, ¼; with 2,000 resamples about 500 are 0 and
        // 500 are 1, so the 2.5% and 97.5% quantiles are exactly 0 and 1.
        Estimate rate = WinRate.of(new double[] {1, 0}, new double[] {0, 1}, 7L);

        assertThat(rate).isEqualTo(new Estimate(0.5, 0.0, 1.0, 0.95, 2));
    }

    @Test
    void seededAndNarrowingWithMorePrompts() {
        double[] policy = new double[400];
        double[] sft = new double[400];
        for (int i = 0; i < policy.length; i++) {
            policy[i] = i % 4 == 0 ? -1 : 1; // wins on three prompts of four
        }

        Estimate rate = WinRate.of(policy, sft, 11L);

        assertThat(rate).isEqualTo(WinRate.of(policy, sft, 11L));
        assertThat(rate.value()).isEqualTo(0.75);
        // The binomial standard error is sqrt(0.75 · 0.25 / 400) ≈ 0.0217, so the 95% interval is about ±0.042.
        assertThat(rate.lower()).isCloseTo(0.75 - 0.042, within(0.01));
        assertThat(rate.upper()).isCloseTo(0.75 + 0.042, within(0.01));
    }

    @Test
    void meanRewardWithInterval() {
        Estimate reward = WinRate.meanReward(new double[] {1.5, 2.5, 2.0, 2.0}, 3L);

        assertThat(reward.value()).isEqualTo(2.0);
        assertThat(reward.lower()).isBetween(1.5, 2.0);
        assertThat(reward.upper()).isBetween(2.0, 2.5);
    }

    @Test
    void errorsNameWhatWasExpected() {
        assertThatThrownBy(() -> WinRate.outcomes(new double[] {1}, new double[] {1, 2}))
                .hasMessage("scores: expected one policy and one SFT score per prompt, got 1 policy and 2 SFT scores");
        assertThatThrownBy(() -> WinRate.outcomes(new double[] {1, Double.NaN}, new double[] {1, 2}))
                .hasMessage("prompt 1: expected finite scores, got policy NaN and SFT 2.0");
        assertThatThrownBy(() -> WinRate.of(new double[0], new double[0], 1L))
                .hasMessage("values: expected at least one value");
    }
}
