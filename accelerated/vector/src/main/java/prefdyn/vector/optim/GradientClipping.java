package prefdyn.vector.optim;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Global gradient-norm clipping as in PyTorch's {@code clip_grad_norm_} and
 * {@code prefdyn.reference.optim.GradientClipping}: g ← g · min(1, maxNorm / (‖g‖₂ + 1e-6)).
 *
 * <p>‖g‖₂ sums float32 squares in vector lanes over fixed chunks of {@value #CHUNK} elements, then the chunks'
 * sums in float64 in chunk order.
 */
public final class GradientClipping {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int CHUNK = 4096;

    private GradientClipping() {
    }

    /** ‖g‖₂ of {@code grads} [P]. */
    public static double globalNorm(float[] grads) {
        int P = grads.length;
        int chunks = (P + CHUNK - 1) / CHUNK;
        double[] partial = new double[chunks];
        int L = SPECIES.length();
        for (int chunk = 0; chunk < chunks; chunk++) {
            int end = Math.min(P, (chunk + 1) * CHUNK);
            FloatVector squares = FloatVector.zero(SPECIES);
            for (int i = chunk * CHUNK; i < end; i += L) {
                VectorMask<Float> mask = SPECIES.indexInRange(i, end);
                FloatVector g = FloatVector.fromArray(SPECIES, grads, i, mask);
                squares = g.fma(g, squares);
            }
            float[] lanes = new float[L];
            squares.intoArray(lanes, 0);
            double sum = 0;
            for (float lane : lanes) {
                sum += lane;
            }
            partial[chunk] = sum;
        }
        double squares = 0;
        for (double value : partial) {
            squares += value;
        }
        return Math.sqrt(squares);
    }

    /**
     * Clips {@code grads} [P] in place.
     *
     * @return the norm before clipping
     */
    public static double clipGlobalNorm(float[] grads, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("maxNorm must be positive, got " + maxNorm);
        }
        double norm = globalNorm(grads);
        double coefficient = maxNorm / (norm + 1e-6);
        if (coefficient < 1.0) {
            float factor = (float) coefficient;
            for (int i = 0; i < grads.length; i++) {
                grads[i] *= factor;
            }
        }
        return norm;
    }
}
