package prefdyn.reference.util;

/** Numerically stable scalar functions used by the losses. */
public final class Stable {

    private Stable() {
    }

    /** softplus(x) = log(1 + eˣ), as max(x, 0) + log1p(e^−|x|): no overflow for large |x|. */
    public static double softplus(double x) {
        return Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    /** log σ(x) = −softplus(−x). */
    public static double logSigmoid(double x) {
        return -softplus(-x);
    }

    /** σ(x) = 1/(1 + e^−x), evaluated on the side where the exponential cannot overflow. */
    public static double sigmoid(double x) {
        if (x >= 0) {
            return 1.0 / (1.0 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1.0 + e);
    }
}
