package prefdyn.oracle;

import net.jqwik.api.Example;
import prefdyn.accelerated.kernels.TwinKernel;
import prefdyn.reference.util.Parallel;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * The table of the twin's kernels ({@code TwinProgram}'s rows, {@link TwinKernel}) against what reflection finds
 * on every side ({@link KernelDiscovery}): the reference methods, the OpenCL work-item bodies, the launch methods of
 * {@code TwinDevice}, the own methods of {@code Twins}, the operation codes and the differential cases. A kernel
 * missing from the table, or a row naming a method that does not exist, fails here. Needs no OpenCL device
 * (reflection and host code only), so it runs everywhere.
 */
class KernelInventoryTest {

    private static List<String> tableNames() {
        return TwinKernel.names();
    }

    @Example
    void theTableNamesEveryReferenceKernelAndNothingElse() {
        Map<String, Method> reference = KernelDiscovery.referenceMethods();
        assertThat(tableNames()).as("rows of the table (left) vs reference kernel methods (right)")
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(reference.keySet());
        for (TwinKernel kernel : TwinKernel.all()) {
            Method method = reference.get(kernel.name());
            assertThat(method).as("the reference method %s", kernel.name()).isNotNull();
            assertThat(method.getDeclaringClass()).as("the class of %s", kernel.name()).isEqualTo(kernel.reference());
            assertThat(kernel.tolerance()).as("the tolerance of %s", kernel.name()).isNotNull();
        }
    }

    @Example
    void everyRowHasAnOpenClBodyAndALaunchOfItsName() {
        assertThat(KernelDiscovery.deviceBodyNames()).as("OpenCL work-item bodies vs rows of the table")
                .containsExactlyInAnyOrderElementsOf(tableNames());
        for (TwinKernel kernel : TwinKernel.all()) {
            assertThat(KernelDiscovery.launchMethods(kernel.name())).as("TwinDevice.%s", kernel.name()).hasSize(1);
        }
    }

    /**
     * Beside every kernel's random differential case, a known answer worked by hand ({@link KernelCases#knownAnswer});
     * {@code KernelKnownAnswerTest} runs each on the device and checks that it launches its kernel.
     */
    @Example
    void everyRowHasAKnownAnswer() {
        for (String name : new TreeSet<>(tableNames())) {
            assertThatCode(() -> KernelCases.knownAnswer(name)).as("the known answer of %s", name)
                    .doesNotThrowAnyException();
        }
    }

    /**
     * A row that places its arguments names the buffer of each array argument of the reference method (ints for
     * its {@code int[]}, a float buffer for its {@code double[]}), and leaves the launch method the reference's
     * other arguments; a row that does not has a method of its own in Twins.
     */
    @Example
    void everyRowFitsTheReferenceSignatureOrHasATwinsMethodOfItsOwn() {
        Map<String, Method> reference = KernelDiscovery.referenceMethods();
        List<String> own = new ArrayList<>();
        for (TwinKernel kernel : TwinKernel.all()) {
            if (!kernel.placedByTable()) {
                own.add(kernel.name());
                continue;
            }
            Method referenceMethod = reference.get(kernel.name());
            assertThat(referenceMethod).as("the reference method %s", kernel.name()).isNotNull();
            List<String> referenceArrays = new ArrayList<>();
            int passedOn = 0;
            for (Class<?> type : referenceMethod.getParameterTypes()) {
                if (type == int[].class || type == double[].class) {
                    referenceArrays.add(type == int[].class ? "int[]" : "double[]");
                }
                passedOn += type == Parallel.class ? 0 : 1;
            }
            List<String> rowArrays = kernel.arrays().stream()
                    .map(buffer -> buffer.equals("ints") ? "int[]" : "double[]").toList();
            assertThat(rowArrays).as("%s: the row's buffers %s vs the reference's array arguments", kernel.name(),
                    kernel.arrays()).containsExactlyElementsOf(referenceArrays);
            long bound = kernel.arrays().stream().filter(b -> b.equals("params") || b.equals("grads")).count();
            assertThat(KernelDiscovery.launchMethods(kernel.name()).get(0).getParameterCount())
                    .as("arguments of TwinDevice.%s: the reference's less params/grads", kernel.name())
                    .isEqualTo(passedOn - (int) bound);
        }
        assertThat(KernelDiscovery.ownTwinMethods().keySet()).as("Twins' own methods vs rows without arrays")
                .containsExactlyInAnyOrderElementsOf(own);
    }

    @Example
    void everyOperationCodeIsOneRowsAndEveryRowsCodeIsOne() {
        List<Integer> rowCodes = new ArrayList<>();
        for (TwinKernel row : TwinKernel.all()) {
            rowCodes.add(row.op());
        }
        for (TwinKernel row : TwinKernel.plumbing()) {
            rowCodes.add(row.op());
        }
        assertThat(rowCodes).as("operation codes of the rows").doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(KernelDiscovery.opCodes().values());
    }

    @Example
    void everyRowHasADifferentialCase() {
        KernelCases.Shape shape = new KernelCases.Shape(2, 3, 2, 2, 5, 3, 4);
        for (String name : new TreeSet<>(tableNames())) {
            assertThatCode(() -> KernelCases.build(name, shape, new Random(name.hashCode())))
                    .as("the case of %s", name).doesNotThrowAnyException();
        }
    }
}
