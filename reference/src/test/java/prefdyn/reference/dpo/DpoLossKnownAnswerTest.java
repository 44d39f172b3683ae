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

    /** β of the two pairs' known answers (also {@code BpoLossTest}'s). */
    static final double BETA = 0.5;
    private static final double[] CHOSEN = {-2, -6};
    private static final double[] REFERENCE_CHOSEN = {-3, -4};
    private static final double[] REJECTED = {-7, -3};
    private static final double[] REFERENCE_REJECTED = {-4, -3};
    private static final int[] CHOSEN_LENGTHS = {2, 4};
    private static final int[] REJECTED_LENGTHS = {3, 1};
    private static final double TOLERANCE = 1e-15;

    private static DpoTerms compute(DpoLossType type, double labelSmoothing) {
        return onTheTwoPairs(DpoSettings.standard(BETA, 10).withLossType(type, labelSmoothing));
    }

    /** {@link DpoLoss#compute} of {@code settings} on the two pairs of the class comment (also {@code BpoLossTest}'s). */
    static DpoTerms onTheTwoPairs(DpoSettings settings) {
        return DpoLoss.compute(settings, 0, CHOSEN, REJECTED, REFERENCE_CHOSEN, REFERENCE_REJECTED, CHOSEN_LENGTHS,
                REJECTED_LENGTHS);
    }

    /**
     * Margins and TRL's rewards, the same for every loss type but SimPO (below) and BPO ({@code BpoLossTest}):
     * h = (2, −1), r⁺ = β·lr⁺ = (½, −1), r⁻ = (−3/2, 0).
     */
    @Test
    void marginsAndRewardsOfTheTwoPairs() {
        for (DpoLossType type : DpoLossType.values()) {
            if (type == DpoLossType.SIMPO || type == DpoLossType.BPO) {
                continue;
            }
            DpoTerms terms = compute(type, type == DpoLossType.CONSERVATIVE || type == DpoLossType.ROBUST ? 0.1 : 0.0);
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

    /**
     * ROBUST with ε = 0.1: ℓ = [0.9·softplus(−h) − 0.1·softplus(h)]/0.8 and, with softplus(h) = h + softplus(−h),
     * ℓ = softplus(−h) − h/8; ω = [0.9·σ(−h) + 0.1·σ(h)]/0.8 = σ(−h) + 1/8.
     * ℓ_A = 0.1269280110429725 − ¼ = −0.1230719889570275, ℓ_B = 1.3132616875182228 + ⅛ = 1.4382616875182228,
     * L = 0.6575948492805976; ω_A = 0.24420292202211755, ω_B = 0.8560585786300049; ∂L/∂lp⁺ = −½·ω/2 = −ω/4:
     * (−0.06105073050552939, −0.21401464465750122).
     */
    @Test
    void robust() {
        DpoTerms terms = compute(DpoLossType.ROBUST, 0.1);
        assertClose(terms.pairLosses(), -0.1230719889570275, 1.4382616875182228);
        assertThat(terms.loss()).isCloseTo(0.6575948492805976, within(TOLERANCE));
        assertClose(terms.omega(), 0.24420292202211755, 0.8560585786300049);
        assertClose(terms.lambdaPositive(), 1, 1);
        assertClose(terms.chosenCoefficient(), -0.06105073050552939, -0.21401464465750122);
        assertClose(terms.rejectedCoefficient(), 0.06105073050552939, 0.21401464465750122);
    }

    /**
     * SIMPO with γ = ½, no reference: h = β·(lp⁺/|y⁺| − lp⁻/|y⁻|) − γ.
     * A: lp⁺/2 = −1, lp⁻/3 = −7/3, h = ½·4/3 − ½ = 1/6; B: lp⁺/4 = −3/2, lp⁻/1 = −3, h = ½·3/2 − ½ = ¼.
     * ℓ = softplus(−h): ℓ_A = 0.6132820580996374, ℓ_B = 0.5759394198788436, L = 0.5946107389892406;
     * ω = σ(−h): 0.45842951678320015, 0.43782349911420193; λ⁺ = 1/|y⁺| = (½, ¼), λ⁻ = 1/|y⁻| = (⅓, 1);
     * ∂L/∂lp⁺_A = −½·ω_A·½/2 = −ω_A/8 = −0.05730368959790002, ∂L/∂lp⁻_A = ω_A/12 = 0.03820245973193335,
     * ∂L/∂lp⁺_B = −ω_B/16 = −0.02736396869463762, ∂L/∂lp⁻_B = ω_B/4 = 0.10945587477855048.
     * Rewards are β·lp/|y|: chosen (−½, −¾), rejected (−7/6, −3/2).
     */
    @Test
    void simpo() {
        DpoTerms terms = compute(DpoLossType.SIMPO, 0.0);
        assertClose(terms.margins(), 1.0 / 6, 0.25);
        assertClose(terms.chosenRewards(), -0.5, -0.75);
        assertClose(terms.rejectedRewards(), -7.0 / 6, -1.5);
        assertClose(terms.pairLosses(), 0.6132820580996374, 0.5759394198788436);
        assertThat(terms.loss()).isCloseTo(0.5946107389892406, within(TOLERANCE));
        assertClose(terms.omega(), 0.45842951678320015, 0.43782349911420193);
        assertClose(terms.lambdaPositive(), 0.5, 0.25);
        assertClose(terms.lambdaNegative(), 1.0 / 3, 1);
        assertClose(terms.chosenCoefficient(), -0.05730368959790002, -0.02736396869463762);
        assertClose(terms.rejectedCoefficient(), 0.03820245973193335, 0.10945587477855048);
        DpoTerms noMargin = DpoLoss.compute(DpoSettings.standard(BETA, 10).withLossType(DpoLossType.SIMPO, 0)
                .withSimpoGamma(0), 0, CHOSEN, REJECTED, REFERENCE_CHOSEN, REFERENCE_REJECTED, CHOSEN_LENGTHS,
                REJECTED_LENGTHS);
        assertClose(noMargin.margins(), 2.0 / 3, 0.75);
    }

    /**
     * APO_ZERO: c = β·lr⁺ = (½, −1), r = β·lr⁻ = (−3/2, 0); ℓ = 1 − σ(c) + σ(r), w⁺ = σ(c)σ(−c), w⁻ = σ(r)σ(−r),
     * ω = (|w⁺| + |w⁻|)/2, λ± = w±/ω. σ(½) = 0.6224593312018546, σ(−3/2) = 0.18242552380635635,
     * σ(−1) = 0.2689414213699951.
     * A: ℓ = 1 − 0.6224593312018546 + 0.18242552380635635 = 0.5599661926045018, w⁺ = 0.2350037122015945,
     *    w⁻ = 0.14914645207033286, ω = 0.1920750821359637, λ⁺ = 1.2234992149332677, λ⁻ = 0.7765007850667321;
     * B: ℓ = 1 − 0.2689414213699951 + ½ = 1.2310585786300048, w⁺ = 0.19661193324148185, w⁻ = ¼,
     *    ω = 0.22330596662074093, λ⁺ = 0.8804598292503497, λ⁻ = 1.1195401707496502.
     * ∂L/∂lp⁺ = −β·w⁺/P = −w⁺/4: (−0.058750928050398624, −0.04915298331037046); ∂L/∂lp⁻ = w⁻/4:
     * (0.037286613017583216, 1/16).
     */
    @Test
    void apoZero() {
        DpoTerms terms = compute(DpoLossType.APO_ZERO, 0.0);
        assertClose(terms.pairLosses(), 0.5599661926045018, 1.2310585786300048);
        assertClose(terms.omega(), 0.1920750821359637, 0.22330596662074093);
        assertClose(terms.lambdaPositive(), 1.2234992149332677, 0.8804598292503497);
        assertClose(terms.lambdaNegative(), 0.7765007850667321, 1.1195401707496502);
        assertClose(terms.chosenCoefficient(), -0.058750928050398624, -0.04915298331037046);
        assertClose(terms.rejectedCoefficient(), 0.037286613017583216, 0.0625);
    }

    /**
     * NCA_PAIR: ℓ = softplus(−c) + ½·softplus(c) + ½·softplus(r), w⁺ = σ(−c) − ½·σ(c), w⁻ = ½·σ(r).
     * softplus(−½) = 0.4740769841801067, softplus(½) = 0.9740769841801067, softplus(−3/2) = 0.2014132779827524,
     * softplus(1) = 1.3132616875182228, softplus(−1) = 0.31326168751822286, softplus(0) = ln 2.
     * A: ℓ = 0.4740769841801067 + 0.48703849209005335 + 0.1007066389913762 = 1.0618221152615361,
     *    w⁺ = 0.3775406687981454 − 0.3112296656009273 = 0.06631100319721811, w⁻ = 0.09121276190317817,
     *    ω = 0.07876188255019814, λ⁺ = 0.8419174485190272, λ⁻ = 1.1580825514809727;
     * B: ℓ = 1.3132616875182228 + 0.15663084375911143 + ½·ln 2 = 1.816466121557307,
     *    w⁺ = 0.7310585786300049 − 0.13447071068499755 = 0.5965878679450074, w⁻ = ¼, ω = 0.4232939339725037,
     *    λ⁺ = 1.4093938515635815, λ⁻ = 0.5906061484364183.
     * ∂L/∂lp⁺ = −w⁺/4: (−0.016577750799304528, −0.14914696698625185); ∂L/∂lp⁻ = w⁻/4: (0.022803190475794544, 1/16).
     */
    @Test
    void ncaPair() {
        DpoTerms terms = compute(DpoLossType.NCA_PAIR, 0.0);
        assertClose(terms.pairLosses(), 1.0618221152615361, 1.816466121557307);
        assertClose(terms.omega(), 0.07876188255019814, 0.4232939339725037);
        assertClose(terms.lambdaPositive(), 0.8419174485190272, 1.4093938515635815);
        assertClose(terms.lambdaNegative(), 1.1580825514809727, 0.5906061484364183);
        assertClose(terms.chosenCoefficient(), -0.016577750799304528, -0.14914696698625185);
        assertClose(terms.rejectedCoefficient(), 0.022803190475794544, 0.0625);
    }

    private static void assertClose(double[] actual, double pairA, double pairB) {
        assertThat(actual).hasSize(2);
        assertThat(actual[0]).as("pair A").isCloseTo(pairA, within(TOLERANCE));
        assertThat(actual[1]).as("pair B").isCloseTo(pairB, within(TOLERANCE));
    }
}
