package prefdyn.reference.ppo;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Each {@link PpoVariant} on one rollout row of three response tokens worked by hand: Â' = w·Â and the weights w
 * of the general form (the table in {@link PpoObjective}).
 *
 * <pre>
 *   Â = (2, −1, ½) on positions 1–3 (position 0 is the prompt, masked)
 *   |Â| ranks: ½ &lt; 1 &lt; 2, so the tertiles are (TOP, MIDDLE, BOTTOM);  mean|Â| = (2 + 1 + ½)/3 = 7/6
 *   controlled, default schedule, step 0 of 11: λ⁺ = 3/2, λ⁻ = ½
 * </pre>
 * A variant that zeroed everything, flipped a sign or kept the wrong tokens fails.
 */
class PpoObjectiveKnownAnswerTest {

    private static final boolean[][] MASK = {{false, true, true, true}};
    private static final double[][] ADVANTAGES = {{0, 2, -1, 0.5}};
    private static final long STEP = 0;
    private static final long TOTAL_STEPS = 11;

    @Test
    void tertilesOfTheRow() {
        assertThat(AdvantageTertiles.assign(ADVANTAGES, MASK)[0])
                .containsExactly(AdvantageTertiles.NONE, Tertile.TOP.index(), Tertile.MIDDLE.index(),
                        Tertile.BOTTOM.index());
    }

    /** STANDARD: Â' = Â, w = 1. */
    @Test
    void standard() {
        check(PpoObjective.standard(), new double[] {2, -1, 0.5}, new double[] {1, 1, 1});
    }

    /** POSITIVE_ONLY: the negative token is dropped: Â' = (2, 0, ½), w = (1, 0, 1). */
    @Test
    void positiveOnly() {
        check(PpoObjective.positiveOnly(), new double[] {2, 0, 0.5}, new double[] {1, 0, 1});
    }

    /** NEGATIVE_ONLY: only the negative token is kept: Â' = (0, −1, 0), w = (0, 1, 0). */
    @Test
    void negativeOnly() {
        check(PpoObjective.negativeOnly(), new double[] {0, -1, 0}, new double[] {0, 1, 0});
    }

    /**
     * UNWEIGHTED: Â' = sign(Â)·mean|Â| = (7/6, −7/6, 7/6); w = mean|Â|/|Â| = (7/6)/2, (7/6)/1, (7/6)/(½) =
     * (7/12, 7/6, 7/3).
     */
    @Test
    void unweighted() {
        check(PpoObjective.unweighted(), new double[] {7.0 / 6, -7.0 / 6, 7.0 / 6},
                new double[] {7.0 / 12, 7.0 / 6, 7.0 / 3});
    }

    /** CONTROLLED at step 0: positive tokens ×3/2, the negative ×½: Â' = (3, −½, ¾), w = (3/2, ½, 3/2). */
    @Test
    void controlled() {
        check(PpoObjective.controlled(ControlSchedule.defaults()), new double[] {3, -0.5, 0.75},
                new double[] {1.5, 0.5, 1.5});
    }

    /** SINGLE_TERTILE keeps its tertile's one token: TOP (2, 0, 0), MIDDLE (0, −1, 0), BOTTOM (0, 0, ½). */
    @Test
    void singleTertile() {
        check(PpoObjective.singleTertile(Tertile.TOP), new double[] {2, 0, 0}, new double[] {1, 0, 0});
        check(PpoObjective.singleTertile(Tertile.MIDDLE), new double[] {0, -1, 0}, new double[] {0, 1, 0});
        check(PpoObjective.singleTertile(Tertile.BOTTOM), new double[] {0, 0, 0.5}, new double[] {0, 0, 1});
    }

    private static void check(PpoObjective objective, double[] expectedAdvantages, double[] expectedWeights) {
        int[][] tertiles = AdvantageTertiles.assign(ADVANTAGES, MASK);
        double[] advantages = objective.advantages(ADVANTAGES, MASK, tertiles, STEP, TOTAL_STEPS)[0];
        double[] weights = objective.tokenWeights(ADVANTAGES, MASK, tertiles, STEP, TOTAL_STEPS)[0];
        assertThat(advantages[0]).as(objective + ": the prompt position").isEqualTo(0.0);
        assertThat(weights[0]).as(objective + ": the prompt position").isEqualTo(0.0);
        for (int t = 1; t <= 3; t++) {
            assertThat(advantages[t]).as(objective + " Â' at " + t).isCloseTo(expectedAdvantages[t - 1], within(1e-15));
            assertThat(weights[t]).as(objective + " w at " + t).isCloseTo(expectedWeights[t - 1], within(1e-15));
        }
    }
}
