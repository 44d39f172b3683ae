package prefdyn.reference.ppo;

import prefdyn.reference.engine.BackwardSeeds;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.engine.TokenBatch;

import java.util.function.DoubleSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Engine gradients for given seeds, and central finite differences over every parameter of a reference engine. */
final class Gradients {

    /** The project's finite-difference criterion: max|analytic − numeric| ≤ 1e-6·max(1, max|numeric|). */
    static final double FD_TOLERANCE = 1e-6;

    private Gradients() {
    }

    /** ∂L/∂θ [P] for the seeds, on a fresh forward of {@code batch}. */
    static double[] of(ReferenceEngine engine, TokenBatch batch, BackwardSeeds seeds) {
        engine.forward(batch);
        engine.zeroGradients();
        engine.backward(seeds);
        double[] gradient = new double[engine.layout().size()];
        engine.copyGradientsTo(gradient);
        return gradient;
    }

    /**
     * Numeric ∂L/∂θ_i = (L(θ + h·e_i) − L(θ − h·e_i)) / ((θ_i + h) − (θ_i − h)) for every i, perturbing the live
     * parameters in place and restoring them bit for bit.
     */
    static double[] centralDifferences(ReferenceEngine engine, DoubleSupplier loss, double h) {
        double[] params = engine.model().parameters();
        double[] numeric = new double[params.length];
        for (int i = 0; i < params.length; i++) {
            double original = params[i];
            double plus = original + h;
            double minus = original - h;
            params[i] = plus;
            double lossPlus = loss.getAsDouble();
            params[i] = minus;
            double lossMinus = loss.getAsDouble();
            params[i] = original;
            numeric[i] = (lossPlus - lossMinus) / (plus - minus);
        }
        return numeric;
    }

    static void assertMatchesFiniteDifferences(double[] analytic, double[] numeric) {
        double scale = 1.0;
        double maxError = 0;
        for (int i = 0; i < numeric.length; i++) {
            scale = Math.max(scale, Math.abs(numeric[i]));
            maxError = Math.max(maxError, Math.abs(analytic[i] - numeric[i]));
        }
        assertThat(maxError).as("max |analytic − numeric| (scale %s)", scale).isLessThanOrEqualTo(FD_TOLERANCE * scale);
    }

    /** max_i |a_i − b_i| ≤ relative · max(max|b|, tiny). */
    static void assertClose(double[] actual, double[] expected, double relative) {
        double scale = Double.MIN_NORMAL;
        double maxError = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            maxError = Math.max(maxError, Math.abs(actual[i] - expected[i]));
        }
        assertThat(maxError).as("max error (scale %s)", scale).isLessThanOrEqualTo(relative * scale);
    }

    static double maxAbs(double[] x) {
        double max = 0;
        for (double v : x) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }
}
