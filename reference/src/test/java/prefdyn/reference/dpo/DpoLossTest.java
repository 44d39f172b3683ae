package prefdyn.reference.dpo;

import org.junit.jupiter.api.Test;
import prefdyn.reference.model.NonFiniteValueException;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The per-pair algebra of {@link DpoLoss}, checked on plain numbers (no model). */
class DpoLossTest {

    private static final int[] LENGTHS_3 = {3, 5, 2};
    private static final int[] LENGTHS_4 = {4, 1, 6, 2};

    /** Known answer: policy = reference gives h = 0, so ℓ = ln 2, ω = ½ and every reward is exactly 0. */
    @Test
    void atThePolicyEqualsReferencePointLossIsLn2AndRewardsAreZero() {
        double[] lp = {-3.25, -7.5, -1.0};
        DpoTerms terms = DpoLoss.compute(DpoSettings.standard(0.1, 10), 0, lp, lp.clone(), lp.clone(), lp.clone(),
                LENGTHS_3, LENGTHS_3);

        assertThat(terms.loss()).isEqualTo(Math.log(2.0));
        assertThat(terms.omega()).containsExactly(0.5, 0.5, 0.5);
        assertThat(terms.chosenRewards()).containsExactly(0.0, 0.0, 0.0);
        assertThat(terms.rejectedRewards()).containsExactly(0.0, 0.0, 0.0);
        // ∂L/∂lp⁺ = −β·½/P and ∂L/∂lp⁻ = +β·½/P
        assertThat(terms.chosenCoefficient()[1]).isEqualTo(-0.1 * 0.5 / 3);
        assertThat(terms.rejectedCoefficient()[2]).isEqualTo(0.1 * 0.5 / 3);
    }

    /**
     * For every loss type, the decomposed coefficients −β·ω·λ⁺/P and +β·ω·λ⁻/P are the true derivatives of the
     * mean loss: checked against central differences of the loss value in each log-prob.
     */
    @Test
    void everyLossTypesCoefficientsAreTheDerivativesOfItsLoss() {
        Random random = new Random(11);
        for (DpoLossType type : DpoLossType.values()) {
            for (int trial = 0; trial < 5; trial++) {
                double[] chosen = randomLogProbs(random, 4);
                double[] rejected = randomLogProbs(random, 4);
                double[] refChosen = randomLogProbs(random, 4);
                double[] refRejected = randomLogProbs(random, 4);
                DpoSettings settings = DpoSettings.standard(0.3, 10)
                        .withLossType(type, type == DpoLossType.CONSERVATIVE || type == DpoLossType.ROBUST ? 0.1 : 0.0);
                DpoTerms terms = DpoLoss.compute(settings, 0, chosen, rejected, refChosen, refRejected,
                        LENGTHS_4, LENGTHS_4);
                for (int i = 0; i < 4; i++) {
                    double numericChosen = centralDifference(settings, chosen, rejected, refChosen, refRejected, i, true);
                    double numericRejected = centralDifference(settings, chosen, rejected, refChosen, refRejected, i, false);
                    assertThat(terms.chosenCoefficient()[i]).as(type + " ∂L/∂lp⁺[" + i + "]")
                            .isCloseTo(numericChosen, within(1e-8));
                    assertThat(terms.rejectedCoefficient()[i]).as(type + " ∂L/∂lp⁻[" + i + "]")
                            .isCloseTo(numericRejected, within(1e-8));
                }
            }
        }
    }

    /** Each variant is the general form with its own (ω, λ⁺, λ⁻): spelled out here for a fixed batch. */
    @Test
    void everyVariantIsTheGeneralFormWithItsWeights() {
        double[] chosen = {-2.0, -5.0, -3.5};
        double[] rejected = {-2.5, -4.0, -6.0};
        double[] refChosen = {-2.2, -4.5, -3.0};
        double[] refRejected = {-2.4, -4.4, -5.0};
        double beta = 0.5;
        int totalSteps = 100;
        DpoTerms standard = DpoLoss.compute(DpoSettings.standard(beta, totalSteps), 10, chosen, rejected, refChosen,
                refRejected, LENGTHS_3, LENGTHS_3);
        for (int i = 0; i < 3; i++) {
            double h = beta * ((chosen[i] - refChosen[i]) - (rejected[i] - refRejected[i]));
            assertThat(standard.omega()[i]).isCloseTo(1 / (1 + Math.exp(h)), within(1e-15));
        }
        for (DpoVariant variant : DpoVariant.values()) {
            for (long step : new long[] {0, 49, 50, 99}) {
                DpoSettings settings = DpoSettings.of(beta, variant, totalSteps);
                DpoTerms terms = DpoLoss.compute(settings, step, chosen, rejected, refChosen, refRejected,
                        LENGTHS_3, LENGTHS_3);
                double expectedPositive = switch (variant) {
                    case STANDARD, UNWEIGHTED, POSITIVE_ONLY, COORDINATED -> 1.0;
                    case NEGATIVE_ONLY -> 0.0;
                    case CONTROLLED -> 1.5 - step / 99.0;
                    case HARD_SWITCH -> step < 50 ? 1.0 : 0.0;
                };
                double expectedNegative = switch (variant) {
                    case STANDARD, UNWEIGHTED, NEGATIVE_ONLY, COORDINATED -> 1.0;
                    case POSITIVE_ONLY -> 0.0;
                    case CONTROLLED -> 0.5 + step / 99.0;
                    case HARD_SWITCH -> step < 50 ? 0.0 : 1.0;
                };
                for (int i = 0; i < 3; i++) {
                    double omega = variant == DpoVariant.UNWEIGHTED ? 0.5 : standard.omega()[i];
                    String where = variant + " at step " + step + ", pair " + i;
                    assertThat(terms.omega()[i]).as(where).isEqualTo(omega);
                    assertThat(terms.lambdaPositive()[i]).as(where).isCloseTo(expectedPositive, within(1e-15));
                    assertThat(terms.lambdaNegative()[i]).as(where).isCloseTo(expectedNegative, within(1e-15));
                    assertThat(terms.chosenCoefficient()[i]).as(where)
                            .isCloseTo(-beta * omega * expectedPositive / 3, within(1e-15));
                    assertThat(terms.rejectedCoefficient()[i]).as(where)
                            .isCloseTo(beta * omega * expectedNegative / 3, within(1e-15));
                    assertThat(terms.loss()).as("the reported loss is the loss type's, whatever the variant")
                            .isEqualTo(standard.loss());
                }
            }
        }
    }

    @Test
    void lossIsStableForHugeMargins() {
        double[] big = {1e6};
        DpoTerms wrong = DpoLoss.compute(DpoSettings.standard(1.0, 1), 0, new double[] {-1e6}, new double[] {0},
                new double[] {0}, new double[] {0}, new int[] {1}, new int[] {1});
        DpoTerms right = DpoLoss.compute(DpoSettings.standard(1.0, 1), 0, big, new double[] {0},
                new double[] {0}, new double[] {0}, new int[] {1}, new int[] {1});
        assertThat(wrong.loss()).isEqualTo(1e6);
        assertThat(wrong.omega()[0]).isEqualTo(1.0);
        assertThat(right.loss()).isEqualTo(0.0);
        assertThat(right.omega()[0]).isEqualTo(0.0);
    }

    @Test
    void badSettingsAndNonFiniteInputsAreNamed() {
        assertThatThrownBy(() -> DpoSettings.standard(0.0, 10)).hasMessageContaining("beta");
        assertThatThrownBy(() -> DpoSettings.standard(-1, 10)).hasMessageContaining("beta");
        assertThatThrownBy(() -> DpoSettings.standard(0.1, 10).withLossType(DpoLossType.SIGMOID, 0.1))
                .hasMessageContaining("labelSmoothing");
        assertThatThrownBy(() -> DpoSettings.standard(0.1, 10).withSimpoGamma(-0.5)).hasMessageContaining("simpoGamma");
        assertThatThrownBy(() -> DpoLossType.parse("apo_up")).hasMessageStartingWith("unknown DPO loss type 'apo_up'")
                .hasMessageNotContaining("\n");
        assertThat(DpoLossType.parse("nca_pair")).isEqualTo(DpoLossType.NCA_PAIR);
        assertThatThrownBy(() -> DpoLoss.compute(DpoSettings.standard(0.1, 10), 7, new double[] {-1, Double.NaN},
                new double[] {-1, -1}, new double[] {-1, -1}, new double[] {-1, -1}, new int[] {1, 1}, new int[] {1, 1}))
                .isInstanceOf(NonFiniteValueException.class).hasMessageContaining("step 7").hasMessageContaining("pair 1");
        assertThatThrownBy(() -> new PreferenceExample(new int[] {1}, new int[] {2}, new int[0]))
                .hasMessageContaining("empty rejected");
        assertThatThrownBy(() -> new PreferenceExample(new int[] {1}, new int[] {2}, new int[] {2}))
                .hasMessageContaining("identical");
    }

    private static double centralDifference(DpoSettings settings, double[] chosen, double[] rejected,
                                            double[] refChosen, double[] refRejected, int i, boolean ofChosen) {
        double h = 1e-6;
        double[] target = ofChosen ? chosen.clone() : rejected.clone();
        double original = target[i];
        target[i] = original + h;
        double plus = loss(settings, ofChosen ? target : chosen, ofChosen ? rejected : target, refChosen, refRejected);
        target[i] = original - h;
        double minus = loss(settings, ofChosen ? target : chosen, ofChosen ? rejected : target, refChosen, refRejected);
        return (plus - minus) / (2 * h);
    }

    private static double loss(DpoSettings settings, double[] chosen, double[] rejected, double[] refChosen,
                               double[] refRejected) {
        return DpoLoss.compute(settings, 0, chosen, rejected, refChosen, refRejected, LENGTHS_4, LENGTHS_4).loss();
    }

    private static double[] randomLogProbs(Random random, int n) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = -10 * random.nextDouble();
        }
        return values;
    }
}
