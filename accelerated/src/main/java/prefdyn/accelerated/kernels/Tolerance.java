package prefdyn.accelerated.kernels;

/**
 * How far the float32 twin may be from the float64 reference: |twin − ref| ≤ abs + rel · max|ref| for every element,
 * with max|ref| taken over the whole compared quantity. Scaling by the largest reference value, not by each
 * element, is deliberate: an element near zero that is the difference of large terms carries the absolute
 * rounding error of those terms, so a per-element relative error means nothing there.
 *
 * @param abs absolute allowance, for quantities whose reference is all (or nearly) zero
 * @param rel allowance relative to max|ref|
 */
public record Tolerance(double abs, double rel) {

    public Tolerance {
        if (!(abs >= 0) || !(rel >= 0)) {
            throw new IllegalArgumentException("tolerances must be non-negative, got abs " + abs + ", rel " + rel);
        }
    }

    /** The largest error allowed for a quantity whose largest reference magnitude is {@code scale}. */
    public double bound(double scale) {
        return abs + rel * scale;
    }
}
