package prefdyn.reference.layers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Random;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Central finite differences in float64, the second layer of oracles ({@code docs/architecture.md}, "Testing: layers of
 * oracles") for every backward.
 *
 * <p>A layer's backward is checked through a scalar loss {@code L = Σ r ⊙ out}, with {@code r} a fixed, seeded
 * "upstream" array: then ∂L/∂out = r is exactly what backward is seeded with, and the analytic gradient of every
 * input is compared with
 * <pre>
 *   numeric ∂L/∂θ_i = (L(θ + h·e_i) − L(θ − h·e_i)) / ((θ_i + h) − (θ_i − h))
 * </pre>
 * (the denominator is the step actually taken in floating point, not 2h, which removes one rounding error).
 * The error of a central difference is {@code h²·|L'''|/6} (truncation) plus about {@code ε·|L|/h} (round-off,
 * ε ≈ 1.1e-16), so each test picks h for its layer and says why.
 *
 * <p>Criterion (the project's): {@code max_i |analytic_i − numeric_i| ≤ 1e-6 · max(1, max_i |numeric_i|)}.
 *
 * <p>Quiet: nothing is printed. When the system property {@code prefdyn.fd.report} names a file, every check
 * appends one line {@code what, max error, scale, error/scale} to it, which is how the observed errors quoted in
 * the documentation are collected.
 */
final class FiniteDifference {

    /** The project's finite-difference criterion, relative to max(1, max|numeric|). */
    static final double RELATIVE_TOLERANCE = 1e-6;

    private FiniteDifference() {
    }

    /** {@code Σ_i upstream[i] · out[i]}, summed in ascending i. */
    static double dot(double[] upstream, double[] out) {
        assertThat(out).hasSameSizeAs(upstream);
        double sum = 0;
        for (int i = 0; i < out.length; i++) {
            sum += upstream[i] * out[i];
        }
        return sum;
    }

    /** The loss {@code Σ r ⊙ forward()} as a function of whatever arrays {@code forward} reads. */
    static DoubleSupplier loss(double[] upstream, Supplier<double[]> forward) {
        return () -> dot(upstream, forward.get());
    }

    /**
     * Numeric ∂L/∂x_i for every i by central differences: perturbs {@code x} in place, one coordinate at a time,
     * and restores it bit for bit.
     */
    static double[] gradient(double[] x, double h, DoubleSupplier loss) {
        double[] numeric = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double saved = x[i];
            double up = saved + h;
            double down = saved - h;
            x[i] = up;
            double plus = loss.getAsDouble();
            x[i] = down;
            double minus = loss.getAsDouble();
            x[i] = saved;
            numeric[i] = (plus - minus) / (up - down);
        }
        return numeric;
    }

    /** max_i |a_i − b_i|. */
    static double maxAbsDifference(double[] a, double[] b) {
        assertThat(a).hasSameSizeAs(b);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    /** max_i |a_i|. */
    static double maxAbs(double[] a) {
        double max = 0;
        for (double value : a) {
            max = Math.max(max, Math.abs(value));
        }
        return max;
    }

    /**
     * Asserts the project's criterion {@code max|analytic − numeric| ≤ 1e-6 · max(1, max|numeric|)}.
     *
     * @return the observed error relative to {@code max(1, max|numeric|)}
     */
    static double assertMatches(String what, double[] analytic, double[] numeric) {
        double error = maxAbsDifference(analytic, numeric);
        double scale = Math.max(1.0, maxAbs(numeric));
        report(what, error, scale);
        assertThat(error)
                .as("%s: max |analytic − numeric| = %s, allowed %s (scale %s)", what, error,
                        RELATIVE_TOLERANCE * scale, scale)
                .isLessThanOrEqualTo(RELATIVE_TOLERANCE * scale);
        return error / scale;
    }

    /**
     * Backward accumulates: after running it on gradient arrays pre-filled with {@code prefill}, every entry must
     * equal {@code prefill + fresh} (fresh = the gradient from zero-filled arrays). The additions happen in a
     * different order (prefill first), so each accumulated term may round once at the magnitude of the running
     * sum: allowed {@code 1e-15 · max(1, max|prefill + fresh|) · terms}, with {@code terms} the largest number of
     * {@code +=} into one entry (1 for layers that add each entry once, which are then checked to 1e-15).
     */
    static void assertAccumulated(String what, double[] accumulated, double[] prefill, double[] fresh, int terms) {
        double[] expected = new double[prefill.length];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = prefill[i] + fresh[i];
        }
        double error = maxAbsDifference(accumulated, expected);
        double allowed = 1e-15 * Math.max(1.0, maxAbs(expected)) * terms;
        report(what + " (accumulation)", error, Math.max(1.0, maxAbs(expected)));
        assertThat(error).as("%s: accumulated gradient differs from prefill + gradient by %s (allowed %s)",
                what, error, allowed).isLessThanOrEqualTo(allowed);
    }

    /** n draws of N(0, 1) from {@code random}. */
    static double[] gaussian(Random random, int n) {
        return gaussian(random, n, 1.0);
    }

    /** n draws of N(0, std²) from {@code random}. */
    static double[] gaussian(Random random, int n, double std) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = std * random.nextGaussian();
        }
        return values;
    }

    private static void report(String what, double error, double scale) {
        String file = System.getProperty("prefdyn.fd.report");
        if (file == null || file.isEmpty()) {
            return;
        }
        String line = String.format(Locale.ROOT, "%s\t%.3e\t%.3e\t%.3e%n", what, error, scale, error / scale);
        try {
            Files.writeString(Path.of(file), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
