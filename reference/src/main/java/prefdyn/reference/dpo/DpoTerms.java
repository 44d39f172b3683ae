package prefdyn.reference.dpo;

import prefdyn.reference.util.Tertiles;

/**
 * The per-pair quantities of one DPO-family step, in the decomposed form of {@code docs/paper-map.md} ("Objectives").
 * For pair i: ∂L/∂lp⁺_i = −β·ω_i·λ⁺_i / P (positive learning) and ∂L/∂lp⁻_i = +β·ω_i·λ⁻_i / P (negative learning).
 *
 * @param loss                 mean_i ℓ_i, the loss type's value (for a variant, still the loss type's value)
 * @param pairLosses           [P] ℓ_i
 * @param margins              [P] h_i = β·((lp⁺ − lp_ref⁺) − (lp⁻ − lp_ref⁻))
 * @param omega                [P] ω_i, held constant (stop-gradient)
 * @param lambdaPositive       [P] λ⁺_i (variant weight × per-loss length scale)
 * @param lambdaNegative       [P] λ⁻_i
 * @param chosenCoefficient    [P] ∂L/∂lp⁺_i
 * @param rejectedCoefficient  [P] ∂L/∂lp⁻_i
 * @param chosenRewards        [P] β·(lp⁺ − lp_ref⁺), TRL's rewards/chosen
 * @param rejectedRewards      [P] β·(lp⁻ − lp_ref⁻), TRL's rewards/rejected
 * @param omegaTertiles        [P] {@link Tertiles} group of each pair's ω within this batch
 */
public record DpoTerms(double loss, double[] pairLosses, double[] margins, double[] omega, double[] lambdaPositive,
                       double[] lambdaNegative, double[] chosenCoefficient, double[] rejectedCoefficient,
                       double[] chosenRewards, double[] rejectedRewards, int[] omegaTertiles) {

    public int pairCount() {
        return omega.length;
    }

    /** [P] the coefficients of one ω-tertile's pairs, 0 for the others. */
    public double[] chosenCoefficientOfTertile(int tertile) {
        return restrict(chosenCoefficient, tertile);
    }

    /** [P] the rejected coefficients of one ω-tertile's pairs, 0 for the others. */
    public double[] rejectedCoefficientOfTertile(int tertile) {
        return restrict(rejectedCoefficient, tertile);
    }

    /** The positive-learning part of the surrogate, mean_i β·ω_i·λ⁺_i·(−lp⁺_i), at the current log-probs. */
    public double positiveSurrogate(double[] chosenLogProbs) {
        double sum = 0;
        for (int i = 0; i < pairCount(); i++) {
            sum += chosenCoefficient[i] * chosenLogProbs[i];
        }
        return sum;
    }

    /** The negative-learning part of the surrogate, mean_i β·ω_i·λ⁻_i·lp⁻_i, at the current log-probs. */
    public double negativeSurrogate(double[] rejectedLogProbs) {
        double sum = 0;
        for (int i = 0; i < pairCount(); i++) {
            sum += rejectedCoefficient[i] * rejectedLogProbs[i];
        }
        return sum;
    }

    private double[] restrict(double[] coefficients, int tertile) {
        double[] restricted = new double[coefficients.length];
        for (int i = 0; i < coefficients.length; i++) {
            restricted[i] = omegaTertiles[i] == tertile ? coefficients[i] : 0.0;
        }
        return restricted;
    }
}
