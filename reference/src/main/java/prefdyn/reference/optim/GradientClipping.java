package prefdyn.reference.optim;

/**
 * Global gradient-norm clipping as in PyTorch's {@code clip_grad_norm_}: with ‖g‖₂ over all parameters,
 * g ← g · min(1, maxNorm / (‖g‖₂ + 1e-6)).
 */
public final class GradientClipping {

    private GradientClipping() {
    }

    /** ‖g‖₂, summing squares in index order. */
    public static double globalNorm(double[] grads) {
        double squares = 0;
        for (double g : grads) {
            squares += g * g;
        }
        return Math.sqrt(squares);
    }

    /**
     * Clips {@code grads} [P] in place.
     *
     * @return the norm before clipping
     */
    public static double clipGlobalNorm(double[] grads, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("maxNorm must be positive, got " + maxNorm);
        }
        double norm = globalNorm(grads);
        double coefficient = maxNorm / (norm + 1e-6);
        if (coefficient < 1.0) {
            for (int i = 0; i < grads.length; i++) {
                grads[i] *= coefficient;
            }
        }
        return norm;
    }
}
