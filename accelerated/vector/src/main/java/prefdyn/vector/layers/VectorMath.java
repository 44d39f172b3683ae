package prefdyn.vector.layers;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

import static prefdyn.vector.layers.MatrixProduct.SPECIES;

/**
 * Lane-wise exp and fixed-order lane sums, built from additions, multiplications and fused multiply-adds only.
 *
 * <p>The Vector API's own {@code EXP} and {@code reduceLanes(ADD)} may compute differently once compiled than
 * when interpreted (a vendor math library; a reduction order the implementation may choose), so a value could
 * change between the first calls of a run and later ones. These helpers use only operations IEEE 754 rounds
 * exactly once, so every lane's result is fixed by its input.
 */
final class VectorMath {

    private static final int L = SPECIES.length();
    private static final float LOG2E = 1.44269504088896341f;
    /** ln 2 split in two (Cody–Waite): a short high part, so k·LN2_HIGH is exact for |k| ≤ 2⁹. */
    private static final float LN2_HIGH = 0.693359375f;
    private static final float LN2_LOW = -2.12194440e-4f;
    /** 1.5·2²³: adding and subtracting it rounds a float of magnitude below 2²² to the nearest integer. */
    private static final float ROUNDER = 12582912f;
    /** Below ln(2⁻¹²⁶) exp underflows to a subnormal; the lanes there are set to 0. */
    private static final float UNDERFLOW = -87.33654f;
    private static final float OVERFLOW = 88.37626f;

    private VectorMath() {
    }

    /**
     * e^x per lane (Cephes' expf: x = k·ln2 + r with |r| ≤ ln2/2, e^r by a degree-6 polynomial, then scaled by
     * 2^k through the exponent bits); within 2 ulp of e^x for x in [−87.3, 88.3], 0 below, e^88.3 above.
     */
    static FloatVector exp(FloatVector x) {
        FloatVector clamped = x.max(UNDERFLOW).min(OVERFLOW);
        FloatVector k = clamped.fma(LOG2E, ROUNDER).sub(ROUNDER);
        FloatVector r = k.fma(constant(-LN2_HIGH), clamped);
        r = k.fma(constant(-LN2_LOW), r);
        FloatVector p = FloatVector.broadcast(SPECIES, 1.9875691500e-4f);
        p = p.fma(r, constant(1.3981999507e-3f));
        p = p.fma(r, constant(8.3334519073e-3f));
        p = p.fma(r, constant(4.1665795894e-2f));
        p = p.fma(r, constant(1.6666665459e-1f));
        p = p.fma(r, constant(5.0000001201e-1f));
        FloatVector r2 = r.mul(r);
        FloatVector y = p.fma(r2, r).add(1f);
        IntVector exponent = ((IntVector) k.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
        FloatVector scale = exponent.reinterpretAsFloats();
        return y.mul(scale).blend(0f, x.lt(UNDERFLOW));
    }

    private static FloatVector constant(float value) {
        return FloatVector.broadcast(SPECIES, value);
    }

    /** e^x of one float, the same operations as one lane of {@link #exp(FloatVector)}. */
    static float exp(float x) {
        return exp(FloatVector.broadcast(SPECIES, x)).lane(0);
    }

    /**
     * Σ of the lanes, added in lane order 0, 1, …, L−1 onto {@code start}.
     *
     * @param scratch [≥ L] overwritten
     */
    static float sumLanes(FloatVector v, float[] scratch, float start) {
        v.intoArray(scratch, 0);
        float sum = start;
        for (int i = 0; i < L; i++) {
            sum += scratch[i];
        }
        return sum;
    }

    /** A scratch array for {@link #sumLanes}. */
    static float[] scratch() {
        return new float[L];
    }
}
