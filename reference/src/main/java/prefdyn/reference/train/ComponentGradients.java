package prefdyn.reference.train;

import prefdyn.reference.engine.BackwardSeeds;
import prefdyn.reference.engine.PolicyEngine;

/**
 * The gradient of a step as the sum of its positive-learning and negative-learning parts, measured separately
 * (BRIEF §4, "gradient imbalance"). The two parts are two backward passes of the same forward with the seeds
 * split by component; the engine's gradient is then set to g⁺ + g⁻, which equals the gradient of the full
 * seeds up to rounding (the backward is linear in its seeds).
 *
 * @param positiveNorm ‖g⁺‖₂
 * @param negativeNorm ‖g⁻‖₂
 * @param cosine       g⁺·g⁻ / (‖g⁺‖‖g⁻‖), or 0 when either part is zero
 */
public record ComponentGradients(double positiveNorm, double negativeNorm, double cosine) {

    /**
     * Replaces the engine's gradient by g⁺ + g⁻ for the most recent forward.
     *
     * @param positive seeds of the positive-learning part
     * @param negative seeds of the negative-learning part
     */
    public static ComponentGradients accumulate(PolicyEngine engine, BackwardSeeds positive, BackwardSeeds negative) {
        int size = engine.layout().size();
        double[] positiveGradient = new double[size];
        double[] negativeGradient = new double[size];
        engine.zeroGradients();
        engine.backward(positive);
        engine.copyGradientsTo(positiveGradient);
        engine.zeroGradients();
        engine.backward(negative);
        engine.copyGradientsTo(negativeGradient);
        double dot = 0;
        double positiveSquares = 0;
        double negativeSquares = 0;
        double[] total = new double[size];
        for (int i = 0; i < size; i++) {
            dot += positiveGradient[i] * negativeGradient[i];
            positiveSquares += positiveGradient[i] * positiveGradient[i];
            negativeSquares += negativeGradient[i] * negativeGradient[i];
            total[i] = positiveGradient[i] + negativeGradient[i];
        }
        engine.setGradients(total);
        double positiveNorm = Math.sqrt(positiveSquares);
        double negativeNorm = Math.sqrt(negativeSquares);
        double cosine = positiveNorm > 0 && negativeNorm > 0 ? dot / (positiveNorm * negativeNorm) : 0.0;
        return new ComponentGradients(positiveNorm, negativeNorm, cosine);
    }
}
