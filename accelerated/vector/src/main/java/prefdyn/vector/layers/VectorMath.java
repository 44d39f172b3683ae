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
    /** Cephes' expf polynomial for e^r on |r| ≤ ln2/2: 1 + r + r²·(P5 + r·(P4 + … + r·P0)). */
    private static final float P0 = 1.9875691500e-4f;
    private static final float P1 = 1.3981999507e-3f;
    private static final float P2 = 8.3334519073e-3f;
    private static final float P3 = 4.1665795894e-2f;
    private static final float P4 = 1.6666665459e-1f;
    private static final float P5 = 5.0000001201e-1f;

    private VectorMath() {
    }

    /**
     * values[start + j] ← e^(values[start + j] − shift) for j in [0, n), in lanes (Cephes' expf: x = k·ln2 + r
     * with |r| ≤ ln2/2, e^r by a degree-6 polynomial, then scaled by 2^k through the exponent bits); within 2 ulp
     * of e^x for x in [−87.3, 88.3], 0 below, e^88.3 above. It works on an array, not on a vector argument, so no
     * vector crosses a call the JIT may decline to inline (where it would be boxed).
     *
     * @param values [≥ start + n] overwritten
     */
    static void exp(float[] values, int start, int n, float shift) {
        int j = 0;
        for (; j + L <= n; j += L) {
            FloatVector x = FloatVector.fromArray(SPECIES, values, start + j).sub(shift);
            FloatVector clamped = x.max(UNDERFLOW).min(OVERFLOW);
            FloatVector k = clamped.fma(LOG2E, ROUNDER).sub(ROUNDER);
            FloatVector r = k.fma(FloatVector.broadcast(SPECIES, -LN2_HIGH), clamped);
            r = k.fma(FloatVector.broadcast(SPECIES, -LN2_LOW), r);
            FloatVector p = FloatVector.broadcast(SPECIES, P0);
            p = p.fma(r, FloatVector.broadcast(SPECIES, P1));
            p = p.fma(r, FloatVector.broadcast(SPECIES, P2));
            p = p.fma(r, FloatVector.broadcast(SPECIES, P3));
            p = p.fma(r, FloatVector.broadcast(SPECIES, P4));
            p = p.fma(r, FloatVector.broadcast(SPECIES, P5));
            FloatVector y = p.fma(r.mul(r), r).add(1f);
            IntVector exponent = ((IntVector) k.convert(VectorOperators.F2I, 0)).add(127).mul(1 << 23); // 2^k
            y.mul(exponent.reinterpretAsFloats()).blend(0f, x.lt(UNDERFLOW)).intoArray(values, start + j);
        }
        for (; j < n; j++) { // the last elements: one lane's operations in scalar form, the same bits
            values[start + j] = exp(values[start + j] - shift);
        }
    }

    /** e^x, the operations of one lane of {@link #exp(float[], int, int, float)}. */
    static float exp(float x) {
        float clamped = Math.min(Math.max(x, UNDERFLOW), OVERFLOW);
        float k = Math.fma(clamped, LOG2E, ROUNDER) - ROUNDER;
        float r = Math.fma(k, -LN2_HIGH, clamped);
        r = Math.fma(k, -LN2_LOW, r);
        float p = P0;
        p = Math.fma(p, r, P1);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P3);
        p = Math.fma(p, r, P4);
        p = Math.fma(p, r, P5);
        float y = Math.fma(p, r * r, r) + 1f;
        float scale = Float.intBitsToFloat(((int) k + 127) * (1 << 23));
        return x < UNDERFLOW ? 0f : y * scale;
    }

    /**
     * Σ of the L lanes a vector was stored into ({@code v.intoArray(lanes, 0)}), in a fixed pairwise order: lane i
     * plus lane i + L/2, then the same on the L/2 sums, down to one (log₂ L dependent additions instead of L).
     * Taking the array, not the vector, keeps the vector from crossing a call boundary the JIT may not inline,
     * where it would be boxed. Overwrites {@code lanes}.
     *
     * @param lanes [L]
     */
    static float sumLanes(float[] lanes) {
        for (int width = L / 2; width >= 1; width /= 2) {
            for (int i = 0; i < width; i++) {
                lanes[i] += lanes[i + width];
            }
        }
        return lanes[0];
    }

    /** A scratch array for {@link #sumLanes}. */
    static float[] scratch() {
        return new float[L];
    }
}
