package prefdyn.oracle;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import prefdyn.accelerated.kernels.Tolerance;
import prefdyn.accelerated.kernels.TwinKernel;
import prefdyn.accelerated.kernels.Twins;
import prefdyn.reference.util.Parallel;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * In the spirit of EJML's {@code CheckMultiThreadAgainstSingleThread}: every reference kernel, found by name, runs
 * against its twin on the OpenCL device ({@link Twins#call} of the same name), on the same seeded random arguments,
 * and every output, every accumulated array and every return value is compared under the tolerance of the kernel's
 * row in the table of {@code TwinProgram} ({@link TwinKernel#tolerance()}). The kernels checked are asserted to be
 * the table's, so a kernel added on one side only fails here as well as in {@link KernelInventoryTest}.
 */
@AddLifecycleHook(RequiresOpenCl.class)
class KernelPairHarnessTest {

    @Property(tries = 40, seed = "6001")
    void everyTwinKernelMatchesItsReferenceOnRandomShapes(@ForAll("shapes") KernelCases.Shape shape,
                                                          @ForAll long seed) throws Exception {
        Map<String, Method> reference = KernelDiscovery.referenceMethods();
        List<String> checked = new ArrayList<>();
        for (Map.Entry<String, Method> pair : reference.entrySet()) {
            String name = pair.getKey();
            TwinKernel kernel = TwinKernel.named(name);
            Random random = new Random(seed ^ name.hashCode());
            checkPair(name, pair.getValue(), "Twins.call(\"" + name + "\")", arguments -> Twins.call(name, arguments),
                    KernelCases.build(name, shape, random), kernel.tolerance(), null);
            checked.add(name);
        }
        assertThat(checked).as("pairs checked vs the table of TwinProgram")
                .containsExactlyInAnyOrderElementsOf(TwinKernel.names());
        assertThat(Twins.kernelsRunOnOpenCl()).as("every twin ran on OpenCL: %s", Twins.executions()).isTrue();
    }

    @Provide
    Arbitrary<KernelCases.Shape> shapes() {
        return Combinators.combine(
                Arbitraries.integers().between(1, 3),   // B
                Arbitraries.integers().between(1, 6),   // T
                Arbitraries.integers().between(1, 2),   // H
                Arbitraries.integers().between(1, 4),   // head size
                Arbitraries.integers().between(2, 9),   // V
                Arbitraries.integers().between(1, 7),   // I
                Arbitraries.integers().between(1, 7))   // O
                .as(KernelCases.Shape::new);
    }

    /** The float32 side of a pair: runs on the given arguments, returns the result (null for none). */
    @FunctionalInterface
    interface Side {
        Object run(Object[] arguments) throws Exception;
    }

    /** A side that is a static method. */
    static Side method(Method method) {
        return arguments -> invoke(method, null, arguments);
    }

    /**
     * Runs one pair on the same arguments and compares every array argument, every extra and the result.
     *
     * @param twinLabel what the float32 side is, for the messages
     * @param parallel the threads the float32 side runs on, in place of the reference's {@code Parallel}
     *                 argument; null for a side that takes none (the twin)
     */
    static void checkPair(String name, Method reference, String twinLabel, Side twin, KernelCases.Invocation call,
                          Tolerance tolerance, Parallel parallel) throws Exception {
        boolean derived = call.twin() == null;
        Object[] twinArguments = derived ? derive(call.reference(), parallel) : call.twin();
        Object referenceResult = invoke(reference, call.receiver(), call.reference());
        Object twinResult = twin.run(twinArguments);

        if (derived) {
            int j = 0;
            for (Object argument : call.reference()) {
                if (argument instanceof Parallel && parallel == null) {
                    continue;
                }
                if (argument instanceof double[] values) {
                    Differences.assertClose(name + ": argument " + j + " (see " + twinLabel + ")", values,
                            (float[]) twinArguments[j], tolerance);
                }
                j++;
            }
        }
        for (KernelCases.Extra extra : call.extras()) {
            Differences.assertClose(name + ": " + extra.name(), extra.reference().get(), extra.twin().get(), tolerance);
        }
        if (referenceResult instanceof Double value) {
            Differences.assertClose(name + ": result", value, (Double) twinResult, tolerance);
        }
    }

    /**
     * The float32 side's arguments: the reference's with float copies of every double array, and its Parallel
     * replaced by {@code parallel}, or dropped when that is null.
     */
    private static Object[] derive(Object[] reference, Parallel parallel) {
        List<Object> arguments = new ArrayList<>();
        for (Object argument : reference) {
            if (argument instanceof Parallel) {
                if (parallel != null) {
                    arguments.add(parallel);
                }
                continue;
            }
            if (argument instanceof double[] values) {
                arguments.add(Differences.toFloat(values));
            } else if (argument instanceof int[] values) {
                arguments.add(values.clone());
            } else {
                arguments.add(argument);
            }
        }
        return arguments.toArray();
    }

    private static Object invoke(Method method, Object receiver, Object[] arguments) throws Exception {
        try {
            return method.invoke(receiver, arguments);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
