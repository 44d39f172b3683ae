package prefdyn.oracle;

import prefdyn.accelerated.check.Comparison;
import prefdyn.accelerated.kernels.Tolerance;

import static org.assertj.core.api.Assertions.assertThat;

/** Twin-versus-reference assertions that also record the measured error in the {@link ErrorLedger}. */
final class Differences {

    private Differences() {
    }

    static void assertClose(String quantity, double[] reference, double[] twin, Tolerance tolerance) {
        check(Comparison.of(quantity, reference, twin, tolerance));
    }

    static void assertClose(String quantity, double[] reference, float[] twin, Tolerance tolerance) {
        check(Comparison.of(quantity, reference, toDouble(twin), tolerance));
    }

    static void assertClose(String quantity, double reference, double twin, Tolerance tolerance) {
        check(Comparison.of(quantity, reference, twin, tolerance));
    }

    static void assertClose(String quantity, double[][] reference, double[][] twin, Tolerance tolerance) {
        check(Comparison.of(quantity, flatten(reference), flatten(twin), tolerance));
    }

    static void check(Comparison comparison) {
        check(comparison, "");
    }

    /** @param context appended to the failure message, e.g. what the indices of the compared array mean */
    static void check(Comparison comparison, String context) {
        ErrorLedger.record(comparison);
        assertThat(comparison.passes()).as("%s %s", comparison, context).isTrue();
    }

    static double[] toDouble(float[] values) {
        double[] result = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = values[i];
        }
        return result;
    }

    static float[] toFloat(double[] values) {
        float[] result = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = (float) values[i];
        }
        return result;
    }

    static double[] flatten(double[][] rows) {
        int size = 0;
        for (double[] row : rows) {
            size += row.length;
        }
        double[] flat = new double[size];
        int offset = 0;
        for (double[] row : rows) {
            System.arraycopy(row, 0, flat, offset, row.length);
            offset += row.length;
        }
        return flat;
    }
}
