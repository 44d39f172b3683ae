package prefdyn.oracle;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import prefdyn.accelerated.kernels.TwinKernel;
import prefdyn.reference.util.Parallel;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every layer method of the vector engine, found by name, against the reference method of the same name on the
 * same seeded random arguments ({@link KernelCases}, the twin's cases), on two threads: every output, accumulated
 * array and return value under {@link VectorTolerances#kernel}. Needs no device.
 */
class VectorKernelPairTest {

    /** The table's kernels (the reference's) without {@link KernelDiscovery#ABSENT_FROM_VECTOR} (dot). */
    static final int EXPECTED_PAIRS = TwinKernel.all().size() - KernelDiscovery.ABSENT_FROM_VECTOR.size();

    @Example
    void everyReferenceKernelHasAVectorMethodOfTheSameName() {
        Map<String, Method> reference = KernelDiscovery.referenceMethods();
        TreeSet<String> expected = new TreeSet<>(reference.keySet());
        expected.removeAll(KernelDiscovery.ABSENT_FROM_VECTOR);
        assertThat(reference.keySet()).as("the absent names are reference kernels")
                .containsAll(KernelDiscovery.ABSENT_FROM_VECTOR);
        assertThat(KernelDiscovery.vectorMethods().keySet()).as("vector methods (left) vs reference kernels (right)")
                .containsExactlyElementsOf(expected);
        assertThat(expected).as("pairs").hasSize(EXPECTED_PAIRS);
    }

    @Property(tries = 60, seed = "6101")
    void everyVectorMethodMatchesItsReferenceOnRandomShapes(@ForAll("shapes") KernelCases.Shape shape,
                                                            @ForAll long seed) throws Exception {
        Map<String, Method> reference = KernelDiscovery.referenceMethods();
        Map<String, Method> vector = KernelDiscovery.vectorMethods();
        int checked = 0;
        try (Parallel two = new Parallel(2)) {
            for (Map.Entry<String, Method> pair : reference.entrySet()) {
                String name = pair.getKey();
                if (KernelDiscovery.ABSENT_FROM_VECTOR.contains(name)) {
                    continue;
                }
                Random random = new Random(seed ^ name.hashCode());
                Method vectorMethod = vector.get(name);
                KernelPairHarnessTest.checkPair("vector " + name, pair.getValue(),
                        vectorMethod.getDeclaringClass().getSimpleName() + "." + name,
                        KernelPairHarnessTest.method(vectorMethod), KernelCases.build(name, shape, random),
                        VectorTolerances.kernel(name), two);
                checked++;
            }
        }
        assertThat(checked).as("pairs checked").isEqualTo(EXPECTED_PAIRS);
    }

    /** Wider shapes than the twin's: several vector lengths (16 floats with AVX-512) and their edges. */
    @Provide
    Arbitrary<KernelCases.Shape> shapes() {
        return Combinators.combine(
                Arbitraries.integers().between(1, 3),    // B
                Arbitraries.integers().between(1, 20),   // T
                Arbitraries.integers().between(1, 3),    // H
                Arbitraries.integers().between(1, 24),   // head size
                Arbitraries.integers().between(2, 40),   // V
                Arbitraries.integers().between(1, 70),   // I
                Arbitraries.integers().between(1, 70))   // O
                .as(KernelCases.Shape::new);
    }
}
