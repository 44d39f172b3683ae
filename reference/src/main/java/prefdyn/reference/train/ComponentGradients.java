package prefdyn.reference.train;

import prefdyn.reference.engine.BackwardSeeds;
import prefdyn.reference.engine.PolicyEngine;

/**
 * The gradient of a step as the sum of its positive-learning and negative-learning parts, measured separately
 * (paper §3, "gradient imbalance"; {@code docs/paper-map.md}, "Optimization dynamics"). The two parts are two backward
 * passes of the same forward with the seeds split by component; {@link #apply} then sets the engine's gradient to a·g⁺
 * + b·g⁻ — with a = b = 1 this equals the gradient of the full seeds up to rounding, since backward is linear in its
 * seeds. A training step measures the parts only when their norms are asked for
 * ({@code TrainingSettings.componentNorms}, {@code PpoConfig.componentNorms}) or when it needs them (the coordinated
 * DPO variant); otherwise it runs one backward pass of the summed seeds ({@code docs/dynamics.md}, "One backward pass
 * per training step").
 *
 * @param positive     [P] g⁺
 * @param negative     [P] g⁻
 * @param positiveNorm ‖g⁺‖₂
 * @param negativeNorm ‖g⁻‖₂
 * @param cosine       g⁺·g⁻ / (‖g⁺‖‖g⁻‖), or 0 when either part is zero
 */
public record ComponentGradients(double[] positive, double[] negative, double positiveNorm, double negativeNorm,
                                 double cosine) {

    /** Runs the two backward passes for the most recent forward; the engine's gradient is left undefined. */
    public static ComponentGradients measure(PolicyEngine engine, BackwardSeeds positiveSeeds,
                                             BackwardSeeds negativeSeeds) {
        int size = engine.layout().size();
        double[] positive = new double[size];
        double[] negative = new double[size];
        engine.zeroGradients();
        engine.backward(positiveSeeds);
        engine.copyGradientsTo(positive);
        engine.zeroGradients();
        engine.backward(negativeSeeds);
        engine.copyGradientsTo(negative);
        double dot = 0;
        double positiveSquares = 0;
        double negativeSquares = 0;
        for (int i = 0; i < size; i++) {
            dot += positive[i] * negative[i];
            positiveSquares += positive[i] * positive[i];
            negativeSquares += negative[i] * negative[i];
        }
        double positiveNorm = Math.sqrt(positiveSquares);
        double negativeNorm = Math.sqrt(negativeSquares);
        double cosine = positiveNorm > 0 && negativeNorm > 0 ? dot / (positiveNorm * negativeNorm) : 0.0;
        return new ComponentGradients(positive, negative, positiveNorm, negativeNorm, cosine);
    }

    /** {@link #measure} then {@link #apply} with unit weights: the engine's gradient becomes g⁺ + g⁻. */
    public static ComponentGradients accumulate(PolicyEngine engine, BackwardSeeds positiveSeeds,
                                                BackwardSeeds negativeSeeds) {
        ComponentGradients components = measure(engine, positiveSeeds, negativeSeeds);
        components.apply(engine, 1.0, 1.0);
        return components;
    }

    /** Sets the engine's gradient to positiveScale·g⁺ + negativeScale·g⁻. */
    public void apply(PolicyEngine engine, double positiveScale, double negativeScale) {
        double[] total = new double[positive.length];
        for (int i = 0; i < total.length; i++) {
            total[i] = positiveScale * positive[i] + negativeScale * negative[i];
        }
        engine.setGradients(total);
    }

    /** g·g⁺ and g·g⁻ for another gradient g [P] (e.g. a target gradient). */
    public double[] alignmentWith(double[] gradient) {
        double positiveDot = 0;
        double negativeDot = 0;
        for (int i = 0; i < gradient.length; i++) {
            positiveDot += gradient[i] * positive[i];
            negativeDot += gradient[i] * negative[i];
        }
        return new double[] {positiveDot, negativeDot};
    }
}
