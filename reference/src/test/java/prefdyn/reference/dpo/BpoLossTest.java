package prefdyn.reference.dpo;

import org.junit.jupiter.api.Test;
import prefdyn.reference.TestEngines;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.train.TrainingSettings;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * BPO, the balanced reward margin of Sun et al. 2506.03557 ({@link DpoLossType#BPO}; {@code docs/paper-map.md},
 * "BPO"): h = min(c, −α·r) with c = β·lr⁺, r = β·lr⁻, ℓ = softplus(−h).
 *
 * <pre>
 *   the two pairs of DpoLossKnownAnswerTest, β = ½, P = 2, α = 0.3:
 *   pair A: c = ½,  r = −3/2, −α·r = 0.45 &lt; c  →  h = 0.45, the y⁻ branch: λ⁺ = 0, λ⁻ = α
 *           ℓ = softplus(−0.45) = 0.4932489459974549, ω = σ(−0.45) = 0.389360766050778
 *           ∂L/∂lp⁺ = 0, ∂L/∂lp⁻ = β·ω·α/P = 0.02920205745380835
 *   pair B: c = −1, r = 0,    −α·r = 0 &gt; c      →  h = −1, the y⁺ branch: λ⁺ = 1, λ⁻ = 0
 *           ℓ = softplus(1) = 1.3132616875182228, ω = σ(1) = 0.7310585786300049
 *           ∂L/∂lp⁺ = −β·ω/P = −0.18276464465750122, ∂L/∂lp⁻ = 0
 *   L = (0.4932489459974549 + 1.3132616875182228)/2 = 0.9032553167578389
 *   with α = 1, pair A's −α·r = 3/2 &gt; c: h = ½, the y⁺ branch, ω = σ(−½) = 0.3775406687981454,
 *           ∂L/∂lp⁺ = −β·ω/P = −0.09438516719953635
 * </pre>
 */
class BpoLossTest {

    private static final double BETA = DpoLossKnownAnswerTest.BETA;
    private static final double TOLERANCE = 1e-15;

    /** Small enough that central differences over every parameter take a moment. */
    private static final GptConfig SMALL = new GptConfig(11, 8, 1, 2, 4, false, false);

    private static DpoTerms compute(double alpha) {
        return DpoLossKnownAnswerTest.onTheTwoPairs(
                DpoSettings.standard(BETA, 10).withLossType(DpoLossType.BPO, 0).withBpoAlpha(alpha));
    }

    @Test
    void knownAnswerOnTheTwoPairs() {
        DpoTerms terms = compute(0.3);

        assertClose(terms.margins(), 0.45, -1.0);
        assertClose(terms.pairLosses(), 0.4932489459974549, 1.3132616875182228);
        assertThat(terms.loss()).isCloseTo(0.9032553167578389, within(TOLERANCE));
        assertClose(terms.omega(), 0.389360766050778, 0.7310585786300049);
        assertThat(terms.lambdaPositive()).containsExactly(0.0, 1.0);
        assertThat(terms.lambdaNegative()).containsExactly(0.3, 0.0);
        assertClose(terms.chosenCoefficient(), 0.0, -0.18276464465750122);
        assertClose(terms.rejectedCoefficient(), 0.02920205745380835, 0.0);
        assertThat(terms.chosenRewards()).as("TRL's rewards are BPO's c and r").containsExactly(0.5, -1.0);
        assertThat(terms.rejectedRewards()).containsExactly(-1.5, 0.0);
    }

    @Test
    void theGapAdaptorDecidesWhichSideAPairTrains() {
        DpoTerms terms = compute(1.0);

        assertClose(terms.margins(), 0.5, -1.0);
        assertClose(terms.omega(), 0.3775406687981454, 0.7310585786300049);
        assertThat(terms.lambdaPositive()).containsExactly(1.0, 1.0);
        assertThat(terms.lambdaNegative()).containsExactly(0.0, 0.0);
        assertClose(terms.chosenCoefficient(), -0.09438516719953635, -0.18276464465750122);
    }

    /** At the kink c = −α·r the y⁺ branch is taken (class comment of {@link DpoLoss}). */
    @Test
    void atTheKinkTheChosenBranchIsTaken() {
        // c = β·(−2 − (−3)) = ½, r = β·(−5 − (−4)) = −½, α = 1: −α·r = ½ = c
        DpoSettings settings = DpoSettings.standard(BETA, 10).withLossType(DpoLossType.BPO, 0).withBpoAlpha(1.0);
        DpoTerms terms = DpoLoss.compute(settings, 0, new double[] {-2}, new double[] {-5}, new double[] {-3},
                new double[] {-4}, new int[] {1}, new int[] {1});
        assertThat(terms.lambdaPositive()).containsExactly(1.0);
        assertThat(terms.lambdaNegative()).containsExactly(0.0);
        assertThat(terms.margins()).containsExactly(0.5);
    }

    @Test
    void aGapAdaptorOutsideZeroToOneIsAOneLineError() {
        for (double alpha : new double[] {0.0, -0.3, 1.5, Double.NaN}) {
            assertThatThrownBy(() -> DpoSettings.standard(BETA, 10).withLossType(DpoLossType.BPO, 0)
                    .withBpoAlpha(alpha))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("bpoAlpha (BPO's gap adaptor α) must be in (0, 1]")
                    .hasMessageNotContaining("\n");
        }
        assertThat(DpoLossType.parse("bpo")).isEqualTo(DpoLossType.BPO);
        assertThat(DpoLossType.BPO.trlName()).isEqualTo("bpo");
    }

    /**
     * The gradient the trainer applies for BPO equals central differences of the BPO loss itself over every policy
     * parameter (the pairs' margins are away from the kink, so the loss is smooth there).
     */
    @Test
    void analyticGradientMatchesFiniteDifferencesOfTheBpoLoss() {
        ReferenceEngine policy = TestEngines.noisy(SMALL, 5, 0.3);
        ReferenceEngine reference = TestEngines.noisy(SMALL, 6, 0.3);
        DpoTrainer trainer = DpoTrainer.withReferenceModel(policy, reference, smallPairs(), bpo(0.7, 0.5, 5),
                TrainingSettings.of(3, 1e-3, 1));
        DpoTrainer.Evaluated evaluated = trainer.evaluate(0);
        DpoTerms terms = evaluated.terms();
        boolean chosenBranch = false;
        boolean rejectedBranch = false;
        for (int i = 0; i < terms.pairCount(); i++) {
            chosenBranch |= terms.lambdaPositive()[i] > 0;
            rejectedBranch |= terms.lambdaNegative()[i] > 0;
            double gap = terms.chosenRewards()[i] + 0.5 * terms.rejectedRewards()[i];
            assertThat(Math.abs(gap)).as("pair " + i + " is away from the kink").isGreaterThan(1e-3);
        }
        assertThat(chosenBranch && rejectedBranch).as("both branches are exercised").isTrue();
        DpoTrainerTest.assertGradientMatchesFiniteDifferences(policy, trainer);
    }

    /** ∇L = ∇L⁺ + ∇L⁻ and = Σ of the three ω-tertile parts, to 1e-12, with pairs on both branches. */
    @Test
    void gradientSplitsExactlyIntoPositiveAndNegativeLearning() {
        ReferenceEngine policy = TestEngines.noisy(SMALL, 5, 0.3);
        DpoTrainer trainer = DpoTrainer.withReferenceModel(policy, TestEngines.noisy(SMALL, 6, 0.3), smallPairs(),
                bpo(0.7, 0.5, 5), TrainingSettings.of(3, 1e-3, 1));
        DpoTrainerTest.assertGradientSplitsExactly(policy, trainer.evaluate(0));
    }

    /**
     * Toy task with a known answer (as DPO's in {@code DpoTrainerTest}): after prompt "q" the preferred continuation
     * is "y", the rejected one "n". BPO must raise π(y | q) from about 1/257 to above ½ within 200 steps.
     */
    @Test
    void toyTaskBpoRaisesThePreferredTokensProbability() {
        DpoTrainerTest.assertSolvesTheToyTask(bpo(0.1, 0.3, 200));
    }

    private static DpoSettings bpo(double beta, double alpha, int steps) {
        return DpoSettings.standard(beta, steps).withLossType(DpoLossType.BPO, 0).withBpoAlpha(alpha);
    }

    private static List<PreferenceExample> smallPairs() {
        return List.of(
                new PreferenceExample(new int[] {1, 2}, new int[] {3, 4}, new int[] {5}),
                new PreferenceExample(new int[] {6}, new int[] {7, 8, 9}, new int[] {10, 0}),
                new PreferenceExample(new int[] {2, 2, 2}, new int[] {1}, new int[] {9, 9}),
                new PreferenceExample(new int[] {4}, new int[] {5, 1}, new int[] {8, 3, 2}));
    }

    private static void assertClose(double[] actual, double pairA, double pairB) {
        assertThat(actual).hasSize(2);
        assertThat(actual[0]).as("pair A").isCloseTo(pairA, within(TOLERANCE));
        assertThat(actual[1]).as("pair B").isCloseTo(pairB, within(TOLERANCE));
    }
}
