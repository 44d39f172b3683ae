package prefdyn.reference.grpo;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * {@link GroupAdvantages} on hand-made groups.
 *
 * <pre>
 *   GRPO, G = 4, two groups: r = (1, 0, 0, 0 | 2, 2, 2, 2)
 *     group 1: mean ¼, r − mean = (¾, −¼, −¼, −¼), unbiased var = (9/16 + 3/16)/3 = ¼, std ½
 *              GROUP: Â = ¾/0.5001, −¼/0.5001;   NONE: Â = ¾, −¼
 *     group 2: all equal, r − mean = 0, std 0: Â = 0/(0 + 1e-4) = 0 under every scaling
 *     BATCH: batch mean 9/8, Σ(r − 9/8)² = 1/64 + 3·81/64 + 4·49/64 = 440/64 = 6.875, std = √(6.875/7);
 *            group 1's Â = (¾, −¼)/(√(6.875/7) + 1e-4)   (centred by the group, scaled by the batch)
 *   RLOO, G = 3: r = (3, 0, 6): baselines (0+6)/2 = 3, (3+6)/2 = 4.5, (3+0)/2 = 1.5 → Â = (0, −4.5, 4.5)
 *     (= G/(G−1)·(r − mean) = 1.5·(0, −3, 3)); whitened over the batch: mean 0, unbiased std √((0 + 2·20.25)/2) = 4.5,
 *     Â = (0, −4.5, 4.5)/4.5001
 * </pre>
 */
class GroupAdvantagesKnownAnswerTest {

    private static final double[] REWARDS = {1, 0, 0, 0, 2, 2, 2, 2};

    @Test
    void grpoGroupScaling() {
        double[] a = GroupAdvantages.grpo(REWARDS, 4, ScaleRewards.GROUP);
        assertThat(a[0]).isCloseTo(0.75 / 0.5001, within(1e-15));
        assertThat(a[1]).isCloseTo(-0.25 / 0.5001, within(1e-15));
        assertThat(a[3]).isCloseTo(-0.25 / 0.5001, within(1e-15));
        assertThat(new double[] {a[4], a[5], a[6], a[7]}).containsOnly(0.0);
    }

    @Test
    void grpoWithoutScalingIsTheCentredReward() {
        double[] a = GroupAdvantages.grpo(REWARDS, 4, ScaleRewards.NONE);
        assertThat(a).containsExactly(0.75, -0.25, -0.25, -0.25, 0, 0, 0, 0);
    }

    @Test
    void grpoBatchScaling() {
        double[] a = GroupAdvantages.grpo(REWARDS, 4, ScaleRewards.BATCH);
        double divisor = Math.sqrt(6.875 / 7) + 1e-4;
        assertThat(a[0]).isCloseTo(0.75 / divisor, within(1e-15));
        assertThat(a[2]).isCloseTo(-0.25 / divisor, within(1e-15));
        assertThat(a[5]).isEqualTo(0.0);
    }

    @Test
    void rlooLeaveOneOutBaseline() {
        assertThat(GroupAdvantages.rloo(new double[] {3, 0, 6}, 3, false)).containsExactly(0.0, -4.5, 4.5);
        double[] whitened = GroupAdvantages.rloo(new double[] {3, 0, 6}, 3, true);
        assertThat(whitened[0]).isEqualTo(0.0);
        assertThat(whitened[1]).isCloseTo(-4.5 / 4.5001, within(1e-15));
        assertThat(whitened[2]).isCloseTo(4.5 / 4.5001, within(1e-15));
    }

    @Test
    void aGroupOfOneIsAOneLineError() {
        assertThatThrownBy(() -> GroupAdvantages.grpo(new double[] {1, 2}, 1, ScaleRewards.GROUP))
                .hasMessageContaining("group size (num_generations) must be at least 2").hasMessageNotContaining("\n");
        assertThatThrownBy(() -> GroupAdvantages.rloo(new double[] {1, 2, 3}, 2, false))
                .hasMessageContaining("do not split into groups of 2");
    }
}
