package prefdyn.reference.ppo;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PpoObjectiveTest {

    private static final double EPS = 0.2;
    private static final long TOTAL_STEPS = 11;
    /** A few roundings of difference between w·(−Âρ/n) and −(w·Â)ρ/n; 0 must stay exactly 0. */
    private static final double RELATIVE = 4e-15;

    /** Random whitened-like advantages, log-ratios wide enough that some tokens are clipped. */
    private record Case(boolean[][] mask, double[][] advantages, double[][] logProbs, double[][] oldLogProbs,
                        int[][] tertiles) {
    }

    private static Case randomCase(Random random) {
        boolean[][] mask = PpoFixtures.mask(9, new int[] {1, 2, 4, 1}, new int[] {8, 5, 3, 2});
        double[][] advantages = AdvantageWhitening.whiten(PpoFixtures.gaussian(random, mask, 1.0), mask);
        double[][] oldLogProbs = PpoFixtures.gaussian(random, mask, 1.0);
        double[][] logProbs = PpoFixtures.gaussian(random, mask, 0.3);
        for (int b = 0; b < mask.length; b++) {
            for (int t = 0; t < 9; t++) {
                logProbs[b][t] += oldLogProbs[b][t];
            }
        }
        return new Case(mask, advantages, logProbs, oldLogProbs, AdvantageTertiles.assign(advantages, mask));
    }

    private static List<PpoObjective> allObjectives() {
        List<PpoObjective> objectives = new ArrayList<>(List.of(PpoObjective.standard(), PpoObjective.positiveOnly(),
                PpoObjective.negativeOnly(), PpoObjective.unweighted(),
                PpoObjective.controlled(ControlSchedule.defaults()),
                PpoObjective.controlled(new ControlSchedule(2.0, 0.0, 0.25, 3.0))));
        for (Tertile tertile : Tertile.values()) {
            objectives.add(PpoObjective.singleTertile(tertile));
        }
        return objectives;
    }

    /** Every variant's seeds are w ⊙ (standard seeds), w from the general form, for random batches and steps. */
    @Test
    void eachVariantEqualsTheGeneralForm() {
        Random random = new Random(31);
        for (int trial = 0; trial < 20; trial++) {
            Case c = randomCase(random);
            PolicySeeds standard = PpoLoss.policyLoss(c.logProbs, c.oldLogProbs, c.advantages, c.mask, c.tertiles, EPS)
                    .seeds();
            long step = random.nextInt((int) TOTAL_STEPS);
            for (PpoObjective objective : allObjectives()) {
                double[][] variantAdvantages = objective.advantages(c.advantages, c.mask, c.tertiles, step, TOTAL_STEPS);
                double[][] weights = objective.tokenWeights(c.advantages, c.mask, c.tertiles, step, TOTAL_STEPS);
                PolicySeeds variant = PpoLoss.policyLoss(c.logProbs, c.oldLogProbs, variantAdvantages, c.mask,
                        c.tertiles, EPS).seeds();
                for (int b = 0; b < c.mask.length; b++) {
                    for (int t = 0; t < 9; t++) {
                        double expected = weights[b][t] * standard.total()[b][t];
                        assertThat(variant.total()[b][t]).as("%s at (%d, %d)", objective, b, t)
                                .isCloseTo(expected, within(RELATIVE * Math.abs(expected)));
                        assertThat(weights[b][t]).isGreaterThanOrEqualTo(0.0);
                    }
                }
            }
        }
    }

    /** The structural identities, exactly: positive-only = standard's positive part, and so on. */
    @Test
    void variantsArePartsOfTheStandardSeeds() {
        Random random = new Random(32);
        Case c = randomCase(random);
        PolicySeeds standard = PpoLoss.policyLoss(c.logProbs, c.oldLogProbs, c.advantages, c.mask, c.tertiles, EPS)
                .seeds();
        assertThat(seedsOf(PpoObjective.standard(), c, 0)).isDeepEqualTo(standard.total());
        assertThat(seedsOf(PpoObjective.positiveOnly(), c, 0)).isDeepEqualTo(standard.positive());
        assertThat(seedsOf(PpoObjective.negativeOnly(), c, 0)).isDeepEqualTo(standard.negative());
        for (Tertile tertile : Tertile.values()) {
            assertThat(seedsOf(PpoObjective.singleTertile(tertile), c, 0)).isDeepEqualTo(standard.tertile(tertile));
        }
        // Controlled, default schedule, middle of 11 steps: λ⁺ = λ⁻ = 1, so it is the standard surrogate.
        double[][] controlledMiddle = seedsOf(PpoObjective.controlled(ControlSchedule.defaults()), c, 5);
        // Controlled at step 0: 1.5·positive + 0.5·negative.
        double[][] controlledStart = seedsOf(PpoObjective.controlled(ControlSchedule.defaults()), c, 0);
        for (int b = 0; b < c.mask.length; b++) {
            for (int t = 0; t < 9; t++) {
                assertThat(controlledMiddle[b][t]).isEqualTo(standard.total()[b][t]);
                double expected = 1.5 * standard.positive()[b][t] + 0.5 * standard.negative()[b][t];
                assertThat(controlledStart[b][t]).isCloseTo(expected, within(RELATIVE * Math.abs(expected)));
            }
        }
        // Unweighted: every response token's |Â'| is mean|Â|, with Â's sign.
        double meanAbs = PpoObjective.meanAbsolute(c.advantages, c.mask);
        double[][] unweighted = PpoObjective.unweighted().advantages(c.advantages, c.mask, c.tertiles, 0, 1);
        for (int b = 0; b < c.mask.length; b++) {
            for (int t = 0; t < 9; t++) {
                double expected = c.mask[b][t] ? Math.signum(c.advantages[b][t]) * meanAbs : 0.0;
                assertThat(unweighted[b][t]).isEqualTo(expected);
            }
        }
    }

    /** Default schedule over 11 steps: λ⁺ 1.5 → 0.5 and λ⁻ 0.5 → 1.5 linearly, clamped after the end. */
    @Test
    void controlScheduleKnownAnswers() {
        ControlSchedule schedule = ControlSchedule.defaults();
        assertThat(schedule.positiveWeight(0, 11)).isEqualTo(1.5);
        assertThat(schedule.negativeWeight(0, 11)).isEqualTo(0.5);
        assertThat(schedule.positiveWeight(5, 11)).isCloseTo(1.0, within(1e-15));
        assertThat(schedule.negativeWeight(5, 11)).isCloseTo(1.0, within(1e-15));
        assertThat(schedule.positiveWeight(10, 11)).isCloseTo(0.5, within(1e-15));
        assertThat(schedule.negativeWeight(10, 11)).isCloseTo(1.5, within(1e-15));
        assertThat(schedule.positiveWeight(50, 11)).isCloseTo(0.5, within(1e-15));
        assertThat(schedule.positiveWeight(3, 1)).isEqualTo(1.5);
        PpoObjective controlled = PpoObjective.controlled(schedule);
        assertThat(controlled.positiveWeight(10, 11)).isCloseTo(0.5, within(1e-15));
        assertThat(PpoObjective.positiveOnly().negativeWeight(0, 1)).isEqualTo(0.0);
        assertThat(PpoObjective.negativeOnly().positiveWeight(0, 1)).isEqualTo(0.0);
        assertThatThrownBy(() -> new ControlSchedule(-1, 0, 0, 0)).hasMessageContaining("positiveStart");
        assertThatThrownBy(() -> ControlSchedule.progress(0, 0)).hasMessageContaining("totalSteps");
    }

    private static double[][] seedsOf(PpoObjective objective, Case c, long step) {
        double[][] advantages = objective.advantages(c.advantages, c.mask, c.tertiles, step, TOTAL_STEPS);
        return PpoLoss.policyLoss(c.logProbs, c.oldLogProbs, advantages, c.mask, c.tertiles, EPS).seeds().total();
    }
}
