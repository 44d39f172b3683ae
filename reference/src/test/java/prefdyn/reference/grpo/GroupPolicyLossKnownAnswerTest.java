package prefdyn.reference.grpo;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@link GroupPolicyLoss} on a batch of two completions worked by hand. Row 0 has response tokens at positions 1
 * and 2, row 1 at position 1; Â₀ = +1, Â₁ = −1; ε = 0.2 (bounds 0.8, 1.2).
 *
 * <pre>
 *   On policy (lp = lp_old, ρ = 1, β = 0): ℓ_t = −Â, seed_t = c_t·(−Â)
 *     grpo    c = 1/(B·|o_b|): row 0 1/4, row 1 1/2.  L = ½·((−1 − 1)/2 + 1/1) = 0;  seeds −¼, −¼ | +½
 *     dapo    c = 1/3:                                 L = (−1 − 1 + 1)/3 = −⅓;    seeds −⅓, −⅓ | +⅓
 *     dr_grpo c = 1/(B·L_max), L_max = 4: c = ⅛:       L = −⅛;                     seeds −⅛, −⅛ | +⅛
 *   Off policy, dapo, β = 0.1: ρ = (1.5, 1 | 0.5), lp_ref − lp = (0, ln 2 | 0)
 *     token (0,1): ρ 1.5 &gt; 1.2, Â &gt; 0: clipped, ℓ = −1.2, seed 0 (clip_ratio/high)
 *     token (0,2): ρ 1: ℓ = −1 + 0.1·k3, k3 = e^{ln 2} − ln 2 − 1 = 1 − ln 2; seed (−1 + 0.1·(1 − 2))/3 = −1.1/3
 *     token (1,1): ρ 0.5 &lt; 0.8, Â &lt; 0: min(−0.5, −0.8) = −0.8, ℓ = 0.8, seed 0 (clip_ratio/low)
 *     L = (−1.2 − 1 + 0.1·(1 − ln 2) + 0.8)/3,  kl = (1 − ln 2)/3,  low = high = ⅓
 *   RLOO (sequence level), same ρ: ρ₀ = 1.5·1 = 1.5 clipped (Â &gt; 0): ℓ₀ = −1.2, seeds 0; ρ₁ = 0.5 clipped: ℓ₁ = 0.8;
 *     L = (−1.2 + 0.8)/2 = −0.2; on policy the seeds are −Â_b/B on every token: −½, −½ | +½
 * </pre>
 */
class GroupPolicyLossKnownAnswerTest {

    private static final boolean[][] MASK = {{false, true, true}, {false, true, false}};
    private static final double[][] ADVANTAGES = {{0, 1, 1}, {0, -1, 0}};
    private static final int[][] TERTILES = {{-1, 0, 1}, {-1, 2, -1}};
    private static final double[][] OLD = {{0, -1, -2}, {0, -0.5, 0}};

    private static GroupLossResult onPolicy(GrpoLossType type) {
        return GroupPolicyLoss.grpo(OLD, OLD, OLD, ADVANTAGES, MASK, TERTILES, 0.8, 1.2, 0.0, type, 4);
    }

    @Test
    void onPolicyAggregations() {
        GroupLossResult grpo = onPolicy(GrpoLossType.GRPO);
        assertThat(grpo.loss()).isEqualTo(0.0);
        assertThat(grpo.seeds().total()[0]).containsExactly(0, -0.25, -0.25);
        assertThat(grpo.seeds().total()[1]).containsExactly(0, 0.5, 0);
        GroupLossResult dapo = onPolicy(GrpoLossType.DAPO);
        assertThat(dapo.loss()).isCloseTo(-1.0 / 3, within(1e-15));
        assertThat(dapo.seeds().total()[0][1]).isCloseTo(-1.0 / 3, within(1e-15));
        assertThat(dapo.seeds().total()[1][1]).isCloseTo(1.0 / 3, within(1e-15));
        GroupLossResult dr = onPolicy(GrpoLossType.DR_GRPO);
        assertThat(dr.loss()).isEqualTo(-0.125);
        assertThat(dr.seeds().total()[0]).containsExactly(0, -0.125, -0.125);
        assertThat(dr.seeds().total()[1]).containsExactly(0, 0.125, 0);
        // the split: row 0 (Â > 0) is positive learning, row 1 negative; tertiles as given
        assertThat(grpo.seeds().positive()[0]).containsExactly(0, -0.25, -0.25);
        assertThat(grpo.seeds().positive()[1]).containsExactly(0, 0, 0);
        assertThat(grpo.seeds().negative()[1]).containsExactly(0, 0.5, 0);
        assertThat(grpo.seeds().top()[1]).containsExactly(0, 0.5, 0);
        assertThat(grpo.seeds().bottom()[0]).containsExactly(0, -0.25, 0);
    }

    @Test
    void offPolicyClippingAndTheK3Term() {
        double[][] logProbs = {{0, -1 + Math.log(1.5), -2}, {0, -0.5 + Math.log(0.5), 0}};
        double[][] reference = {{0, logProbs[0][1], -2 + Math.log(2)}, {0, logProbs[1][1], 0}};
        GroupLossResult r = GroupPolicyLoss.grpo(logProbs, OLD, reference, ADVANTAGES, MASK, TERTILES, 0.8, 1.2, 0.1,
                GrpoLossType.DAPO, 4);
        double k3 = 1 - Math.log(2);
        assertThat(r.loss()).isCloseTo((-1.2 - 1 + 0.1 * k3 + 0.8) / 3, within(1e-15));
        assertThat(r.meanKl()).isCloseTo(k3 / 3, within(1e-15));
        assertThat(r.clipLowFraction()).isEqualTo(1.0 / 3);
        assertThat(r.clipHighFraction()).isEqualTo(1.0 / 3);
        assertThat(r.seeds().total()[0][1]).isEqualTo(0.0);
        assertThat(r.seeds().total()[0][2]).isCloseTo(-1.1 / 3, within(1e-15));
        assertThat(r.seeds().total()[1][1]).isEqualTo(0.0);
    }

    @Test
    void rlooSequenceLevelRatio() {
        double[][] logProbs = {{0, -1 + Math.log(1.5), -2}, {0, -0.5 + Math.log(0.5), 0}};
        GroupLossResult off = GroupPolicyLoss.rloo(logProbs, OLD, OLD, ADVANTAGES, MASK, TERTILES, 0.8, 1.2);
        assertThat(off.loss()).isCloseTo(-0.2, within(1e-15));
        assertThat(off.seeds().total()[0]).containsExactly(0, 0, 0);
        assertThat(off.clipHighFraction()).isEqualTo(0.5);
        GroupLossResult on = GroupPolicyLoss.rloo(OLD, OLD, OLD, ADVANTAGES, MASK, TERTILES, 0.8, 1.2);
        assertThat(on.seeds().total()[0]).containsExactly(0, -0.5, -0.5);
        assertThat(on.seeds().total()[1]).containsExactly(0, 0.5, 0);
    }
}
