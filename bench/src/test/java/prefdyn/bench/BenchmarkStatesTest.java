package prefdyn.bench;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Benchmark;
import prefdyn.reference.util.Parallel;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The benchmark states build, every benchmark method runs once, and the EJML anchor computes the very products
 * the reference computes. No timing: benchmarks run only through JMH (see docs/benchmarks.md).
 */
class BenchmarkStatesTest {

    /** EJML and the reference loops agree on every product and its gradients, at both sizes. */
    @Test
    void ejmlAnchorComputesTheSameProductsAsTheReference() {
        for (ModelSize size : ModelSize.values()) {
            for (MatmulShape shape : MatmulShape.values()) {
                MatmulAnchors reference = new MatmulAnchors(size, shape);
                MatmulAnchors ejml = new MatmulAnchors(size, shape);
                reference.referenceForward(Parallel.sequential());
                reference.referenceBackward(Parallel.sequential());
                ejml.ejmlForward();
                ejml.ejmlBackward();
                String what = size.label() + " " + shape.label();
                assertClose(what + " out", ejml.out, reference.out);
                assertClose(what + " dinp", ejml.dinp, reference.dinp);
                assertClose(what + " dweight", ejml.dweight, reference.dweight);

                MatmulAnchors concurrent = new MatmulAnchors(size, shape);
                concurrent.ejmlConcurrentForward();
                concurrent.ejmlConcurrentBackward();
                assertClose(what + " out (concurrent)", concurrent.out, reference.out);
                assertClose(what + " dweight (concurrent)", concurrent.dweight, reference.dweight);
            }
        }
    }

    @Test
    void referenceLayerStateHoldsARealisticForward() {
        ReferenceLayers s = new ReferenceLayers(ModelSize.DEFAULT, Parallel.sequential());
        for (double[] activation : List.of(s.encoded, s.ln, s.qkv, s.att, s.attOut, s.fc, s.fcGelu, s.logits)) {
            assertThat(Arrays.stream(activation).allMatch(Double::isFinite)).isTrue();
            assertThat(Arrays.stream(activation).anyMatch(v -> v != 0.0)).isTrue();
        }
        for (int n = 0; n < s.N; n++) { // every row of log-softmax is a distribution
            double total = 0;
            for (int v = 0; v < s.V; v++) {
                total += Math.exp(s.logProbs[n * s.V + v]);
            }
            assertThat(total).isCloseTo(1.0, within(1e-12));
        }
    }

    /** Every @Benchmark method of the reference classes runs once at both sizes, on 1 and 2 threads. */
    @Test
    void everyReferenceBenchmarkRunsOnce() throws Exception {
        int calls = 0;
        for (String config : new String[]{"default", "4x"}) {
            for (int threads : new int[]{1, 2}) {
                ReferenceLayerBenchmark layers = new ReferenceLayerBenchmark();
                layers.config = config;
                layers.threads = threads;
                layers.setUp();
                calls += callEveryBenchmark(layers);
                layers.tearDown();

                ModelStepBenchmark step = new ModelStepBenchmark();
                step.config = config;
                step.threads = threads;
                step.setUp();
                assertThat(Arrays.stream(step.forwardBackward().sequenceLogProbs()).allMatch(Double::isFinite)).isTrue();
                step.tearDown();
            }
            ReferenceSerialLayerBenchmark serial = new ReferenceSerialLayerBenchmark();
            serial.config = config;
            serial.setUp();
            calls += callEveryBenchmark(serial);
            for (String shape : new String[]{"qkv", "attn-proj", "fc", "fc-proj", "lm-head"}) {
                MatmulAnchorBenchmark anchors = new MatmulAnchorBenchmark();
                anchors.config = config;
                anchors.shape = shape;
                anchors.setUp();
                calls += callEveryBenchmark(anchors);
                anchors.tearDown();
            }
        }
        // per size: 18 parallel layer methods × 2 thread counts, 6 serial ones, 8 anchor methods × 5 shapes
        assertThat(calls).isEqualTo(2 * (18 * 2 + 6 + 8 * 5));
    }

    /**
     * The packed-product benchmark multiplies what its parameters say: with either layout of b, both tiles give the
     * same floats, and c[0,0] and c[1023,191] are the chains of fused multiply-adds over k worked here.
     */
    @Test
    void packedGemmBenchmarkMultipliesItsOperandsWithEitherTile() {
        int M = 1024;
        int K = 64;
        int N = 192;
        for (String layout : new String[] {"plain", "bTransposed"}) {
            float[] first = null;
            for (String tile : new String[] {"SIX_BY_THREE", "FOUR_BY_TWO"}) {
                PackedGemmBenchmark benchmark = new PackedGemmBenchmark();
                benchmark.tile = tile;
                benchmark.shape = M + "x" + K + "x" + N;
                benchmark.layout = layout;
                benchmark.setUp();
                float[] c = benchmark.multiply().clone();
                boolean transposed = layout.equals("bTransposed");
                for (int[] mn : new int[][] {{0, 0}, {M - 1, N - 1}}) {
                    float sum = 0;
                    for (int k = 0; k < K; k++) {
                        float bkn = benchmark.b[transposed ? k + mn[1] * K : k * N + mn[1]];
                        sum = Math.fma(benchmark.a[mn[0] * K + k], bkn, sum);
                    }
                    assertThat(c[mn[0] * N + mn[1]]).as(tile + ", " + layout + ", c[%d,%d]", mn[0], mn[1])
                            .isEqualTo(sum);
                }
                if (first == null) {
                    first = c;
                }
                assertThat(c).as(tile + ", " + layout).isEqualTo(first);
            }
        }
    }

    /** The twin's benchmark methods mirror the reference's names one for one. */
    @Test
    void twinBenchmarksHaveTheReferenceBenchmarksNames() {
        List<String> reference = new ArrayList<>(benchmarkNames(ReferenceLayerBenchmark.class));
        reference.addAll(benchmarkNames(ReferenceSerialLayerBenchmark.class));
        assertThat(benchmarkNames(TwinLayerBenchmark.class)).containsExactlyInAnyOrderElementsOf(reference);
    }

    static int callEveryBenchmark(Object benchmark) throws Exception {
        int calls = 0;
        for (Method method : benchmark.getClass().getMethods()) {
            if (method.isAnnotationPresent(Benchmark.class)) {
                method.invoke(benchmark);
                calls++;
            }
        }
        return calls;
    }

    private static List<String> benchmarkNames(Class<?> type) {
        return Arrays.stream(type.getMethods()).filter(m -> m.isAnnotationPresent(Benchmark.class))
                .map(Method::getName).toList();
    }

    private static void assertClose(String what, double[] actual, double[] expected) {
        double scale = 0;
        for (double value : expected) {
            scale = Math.max(scale, Math.abs(value));
        }
        assertThat(scale).as(what + " is not all zero").isGreaterThan(0);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as(what + "[" + i + "]").isCloseTo(expected[i], within(1e-12 * scale));
        }
    }
}
