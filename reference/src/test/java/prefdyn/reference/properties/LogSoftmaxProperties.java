package prefdyn.reference.properties;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import prefdyn.reference.layers.LogSoftmax;
import prefdyn.reference.util.Parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Every log-softmax row is a normalised log-distribution, also for logits of magnitude up to 1e3. */
class LogSoftmaxProperties {

    /**
     * Rows of 1..300 logits: either a common offset in [−1e3, 1e3] plus a spread of scale up to 1e3 (so both
     * near-ties at large magnitude and rows dominated by one entry occur), or values drawn over all of ±1e3.
     */
    @Provide
    Arbitrary<double[]> logitRows() {
        Arbitrary<Double> offsets = Arbitraries.doubles().between(-1e3, 1e3).ofScale(9);
        Arbitrary<Double> scales = Arbitraries.of(0.0, 1e-3, 1.0, 10.0, 100.0, 1e3);
        Arbitrary<double[]> unit = Arbitraries.doubles().between(-1.0, 1.0).ofScale(12)
                .array(double[].class).ofMinSize(1).ofMaxSize(300);
        Arbitrary<double[]> shifted = Combinators.combine(offsets, scales, unit).as((offset, scale, row) -> {
            double[] logits = new double[row.length];
            for (int v = 0; v < row.length; v++) {
                logits[v] = offset + scale * row[v];
            }
            return logits;
        });
        Arbitrary<double[]> wide = Arbitraries.doubles().between(-1e3, 1e3).ofScale(9)
                .array(double[].class).ofMinSize(1).ofMaxSize(300);
        return Arbitraries.oneOf(shifted, wide);
    }

    @Property(tries = 200, seed = "20261201")
    void rowsNormalise(@ForAll("logitRows") double[] logits) {
        int V = logits.length;
        double[] logProbs = new double[V];

        LogSoftmax.logSoftmaxForward(Parallel.sequential(), logProbs, logits, 1, V);

        double sum = 0;
        for (double logProb : logProbs) {
            assertThat(logProb).isFinite().isLessThanOrEqualTo(0.0); // z − max ≤ 0 and log Σ ≥ 0
            sum += Math.exp(logProb);
        }
        assertThat(sum).isCloseTo(1.0, within(1e-12));
    }
}
