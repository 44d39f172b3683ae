package prefdyn.reference.dpo;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Each loss type of {@link DpoLoss} on two pairs worked by hand: ℓ, L, ω and λ± and the two coefficients. The
 * pairs are chosen so that the two margins have opposite signs and differ in size, so a loss or ω that is 0, has
 * the wrong sign or is mirrored (h for −h) fails.
 *
 * <pre>
 *   β = ½, P = 2 pairs
 *   pair A: lp⁺ = −2, lp_ref⁺ = −3, lp⁻ = −7, lp_ref⁻ = −4, |y⁺| = 2, |y⁻| = 3
 *           lr⁺ = 1, lr⁻ = −3, Δ = 4, h = β·Δ = 2,  Δ̄ = 1/2 − (−3)/3 = 3/2
 *   pair B: lp⁺ = −6, lp_ref⁺ = −4, lp⁻ = −3, lp_ref⁻ = −3, |y⁺| = 4, |y⁻| = 1
 *           lr⁺ = −2, lr⁻ = 0, Δ = −2, h = −1,          Δ̄ = −2/4 − 0/1 = −1/2
 *   coefficients: ∂L/∂lp⁺_i = −β·ω_i·λ⁺_i / P,  ∂L/∂lp⁻_i = +β·ω_i·λ⁻_i / P
 * </pre>
 * softplus(x) = ln(1 + eˣ), σ(x) = 1/(1 + e⁻ˣ); the decimals below are those functions to 16 digits:
 * softplus(−2) = 0.1269280110429725, softplus(1) = 1.3132616875182228, σ(−2) = 0.11920292202211755,
 * σ(1) = 0.7310585786300049.
 */
class DpoLossKnownAnswerTest {

    private static final double BETA = 0.5;
    private static final double[] CHOSEN = {-2, -6};
    private static final double[] REFERENCE_CHOSEN = {-3, -4};
    private static final double[] REJECTED = {-7, -3};
    private static final double[] REFERENCE_REJECTED = {-4, -3};
    private static final int[] CHOSEN_LENGTHS = {2, 4};
    private static final int[] REJECTED_LENGTHS = {3, 1};
    private static final double TOLERANCE = 1e-15;

    private static DpoTerms compute(DpoLossType type, double labelSmoothing) {
        DpoSettings settings = DpoSettings.standard(BETA, 10).withLossType(type, labelSmoothing);
        return DpoLoss.compute(settings, 0, CHOSEN, REJECTED, REFERENCE_CHOSEN, REFERENCE_REJECTED, CHOSEN_LENGTHS,
                REJECTED_LENGTHS);
    }

    /** Margins and TRL's rewards, the same for every loss type: h = (2, −1), r⁺ = β·lr⁺ = (½, −1), r⁻ = (−3/2, 0). */
    @Test
    void marginsAndRewardsOfTheTwoPairs() {
        for (DpoLossType type : DpoLossType.values()) {
            DpoTerms terms = compute(type, type == DpoLossType.CONSERVATIVE ? 0.1 : 0.0);
            assertThat(terms.margins()).as(type.name()).containsExactly(2.0, -1.0);
            assertThat(terms.chosenRewards()).as(type.name()).containsExactly(0.5, -1.0);
            assertThat(terms.rejectedRewards()).as(type.name()).containsExactly(-1.5, 0.0);
        }
    }

    /**
     * SIGMOID: ℓ = softplus(−h), ω = σ(−h), λ± = 1.
     * ℓ_A = softplus(−2) = 0.1269280110429725, ℓ_B = softplus(1) = 1.3132616875182228, L = 1.4401896985611953 / 2 =
     * 0.7200948492805976; ω_A = σ(−2) = 0.11920292202211755, ω_B = σ(1) = 0.7310585786300049;
     * ∂L/∂lp⁺_A = −½·0.11920292202211755/2 = −0.029800730505529388, ∂L/∂lp⁻_B = +½·0.7310585786300049/2 =
     * 0.18276464465750122.
     */
    @Test
    void sigmoid() {
        DpoTerms terms = compute(DpoLossType.SIGMOID, 0.0);
        assertClose(terms.pairLosses(), 0.1269280110429725, 1.3132616875182228);
        assertThat(terms.loss()).isCloseTo(0.7200948492805976, within(TOLERANCE));
        assertClose(terms.omega(), 0.11920292202211755, 0.7310585786300049);
        assertClose(terms.lambdaPositive(), 1, 1);
        assertClose(terms.lambdaNegative(), 1, 1);
        assertClose(terms.chosenCoefficient(), -0.029800730505529388, -0.18276464465750122);
        assertClose(terms.rejectedCoefficient(), 0.029800730505529388, 0.18276464465750122);
    }

    /**
     * HINGE: ℓ = max(0, 1 − h), ω = 1[h &lt; 1]. Pair A is past the margin (h = 2): ℓ_A = 0, ω_A = 0; pair B is
     * not (h = −1): ℓ_B = 1 − (−1) = 2, ω_B = 1. L = (0 + 2)/2 = 1; ∂L/∂lp⁺_B = −½·1/2 = −¼, ∂L/∂lp⁻_B = +¼.
     */
    @Test
    void hinge() {
        DpoTerms terms = compute(DpoLossType.HINGE, 0.0);
        assertClose(terms.pairLosses(), 0, 2);
        assertThat(terms.loss()).isEqualTo(1.0);
        assertClose(terms.omega(), 0, 1);
        assertClose(terms.lambdaPositive(), 1, 1);
        assertClose(terms.lambdaNegative(), 1, 1);
        assertClose(terms.chosenCoefficient(), 0, -0.25);
        assertClose(terms.rejectedCoefficient(), 0, 0.25);
    }

    /**
     * CONSERVATIVE with ε = 0.1: ℓ = 0.9·softplus(−h) + 0.1·softplus(h), ω = 0.9·σ(−h) − 0.1·σ(h). Since
     * softplus(h) = h + softplus(−h) and σ(h) = 1 − σ(−h): ℓ = softplus(−h) + 0.1·h and ω = σ(−h) − 0.1.
     * ℓ_A = 0.1269280110429725 + 0.2 = 0.3269280110429725, ℓ_B = 1.3132616875182228 − 0.1 = 1.2132616875182228,
     * L = 0.7700948492805976; ω_A = 0.11920292202211755 − 0.1 = 0.01920292202211755, ω_B = 0.6310585786300049;
     * ∂L/∂lp⁺_A = −½·0.01920292202211755/2 = −0.004800730505529388, ∂L/∂lp⁺_B = −0.15776464465750122.
     */
    @Test
    void conservative() {
        DpoTerms terms = compute(DpoLossType.CONSERVATIVE, 0.1);
        assertClose(terms.pairLosses(), 0.3269280110429725, 1.2132616875182228);
        assertThat(terms.loss()).isCloseTo(0.7700948492805976, within(TOLERANCE));
        assertClose(terms.omega(), 0.01920292202211755, 0.6310585786300049);
        assertClose(terms.lambdaPositive(), 1, 1);
        assertClose(terms.lambdaNegative(), 1, 1);
        assertClose(terms.chosenCoefficient(), -0.004800730505529388, -0.15776464465750122);
        assertClose(terms.rejectedCoefficient(), 0.004800730505529388, 0.15776464465750122);
    }

    /**
     * IPO: ℓ = (Δ̄ − 1/(2β))² with 1/(2β) = 1, ω = −2(Δ̄ − 1)/β, λ± = 1/|y±|.
     * Pair A: Δ̄ − 1 = ½, ℓ_A = ¼, ω_A = −2·½/½ = −2, λ⁺_A = ½, λ⁻_A = ⅓.
     * Pair B: Δ̄ − 1 = −3/2, ℓ_B = 9/4, ω_B = −2·(−3/2)/½ = 6, λ⁺_B = ¼, λ⁻_B = 1. L = (¼ + 9/4)/2 = 5/4.
     * ∂L/∂lp⁺_A = −½·(−2)·½/2 = ¼ (by hand: ∂ℓ_A/∂lp⁺ = 2·½·(1/|y⁺|) = ½, over P = 2), ∂L/∂lp⁻_A = ½·(−2)·⅓/2 = −⅙,
     * ∂L/∂lp⁺_B = −½·6·¼/2 = −3/8, ∂L/∂lp⁻_B = ½·6·1/2 = 3/2.
     */
    @Test
    void ipo() {
        DpoTerms terms = compute(DpoLossType.IPO, 0.0);
        assertClose(terms.pairLosses(), 0.25, 2.25);
        assertThat(terms.loss()).isCloseTo(1.25, within(TOLERANCE));
        assertClose(terms.omega(), -2, 6);
        assertClose(terms.lambdaPositive(), 0.5, 0.25);
        assertClose(terms.lambdaNegative(), 1.0 / 3, 1);
        assertClose(terms.chosenCoefficient(), 0.25, -0.375);
        assertClose(terms.rejectedCoefficient(), -1.0 / 6, 1.5);
    }

    private static void assertClose(double[] actual, double pairA, double pairB) {
        assertThat(actual).hasSize(2);
        assertThat(actual[0]).as("pair A").isCloseTo(pairA, within(TOLERANCE));
        assertThat(actual[1]).as("pair B").isCloseTo(pairB, within(TOLERANCE));
    }
}
