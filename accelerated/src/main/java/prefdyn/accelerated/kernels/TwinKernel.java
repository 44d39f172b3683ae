package prefdyn.accelerated.kernels;


import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One row of the table of the twin's kernels, {@link TwinProgram#KERNELS}: everything that names a kernel outside
 * its work-item body and its launch. The kernel's name is that of the reference method it mirrors, of its body in
 * the {@link TwinProgram} class chain and of its launch method in {@link TwinDevice}.
 *
 * @param name      the reference method's name, e.g. {@code linearForward}
 * @param op        the operation code {@link TwinProgram#run()} selects the body by
 * @param reference the class that declares the reference method ({@code Linear}, {@code AdamW}, …); null for
 *                  plumbing without a reference counterpart (clearing and copying)
 * @param tolerance |twin − ref| ≤ abs + rel · max|ref| for every output, accumulated array and return value of one
 *                  call (see {@code prefdyn.accelerated.check.Tolerances} for how the bounds were set); null for
 *                  plumbing
 * @param arrays    for {@link Twins#call}: the program buffer each array argument of the reference's signature is
 *                  placed in, in order ({@code acts}, {@code dacts}, {@code kvCache}, {@code ints}, or
 *                  {@code params} / {@code grads}, bound whole); null where {@link Twins} has a method of the
 *                  kernel's name instead, and for plumbing
 */
public record TwinKernel(String name, int op, Class<?> reference, Tolerance tolerance, List<String> arrays) {

    /** The buffers an array argument can be placed in. */
    static final Set<String> BUFFERS = Set.of("acts", "dacts", "kvCache", "ints", "params", "grads");

    public TwinKernel {
        if (arrays != null) {
            for (String buffer : arrays) {
                if (!BUFFERS.contains(buffer)) {
                    throw new IllegalArgumentException("kernel " + name + ": unknown buffer '" + buffer
                            + "', expected one of " + BUFFERS);
                }
            }
            arrays = List.copyOf(arrays);
        }
    }

    /**
     * A kernel paired with a reference method.
     *
     * @param arrays the buffers of the array arguments, space-separated (see {@link #arrays()}), or null where
     *               {@link Twins} has a method of this name
     */
    static TwinKernel paired(int op, Class<?> reference, String name, Tolerance tolerance, String arrays) {
        return new TwinKernel(name, op, reference, tolerance, arrays == null ? null : List.of(arrays.split(" ")));
    }

    /** An operation without a reference counterpart; several may share a body, hence a name. */
    static TwinKernel plumbing(int op, String name) {
        return new TwinKernel(name, op, null, null, null);
    }

    /** True when {@link Twins#call} places the arguments by {@link #arrays()}, false where Twins has a method. */
    public boolean placedByTable() {
        return arrays != null;
    }

    /** Every kernel paired with a reference method, in the table's order. */
    public static List<TwinKernel> all() {
        return TwinProgram.KERNELS;
    }

    /** Every operation without a reference counterpart. */
    public static List<TwinKernel> plumbing() {
        return TwinProgram.PLUMBING;
    }

    /** The paired kernel of this name. */
    public static TwinKernel named(String name) {
        for (TwinKernel kernel : TwinProgram.KERNELS) {
            if (kernel.name.equals(name)) {
                return kernel;
            }
        }
        throw new IllegalArgumentException("no kernel named " + name + " in the table of TwinProgram, which has "
                + names());
    }

    /** The name a launch of {@code op} is recorded under (a kernel's, or plumbing's: fill, copy). */
    static String nameOf(int op) {
        String[] names = TwinProgram.NAMES_BY_OP;
        if (op <= 0 || op >= names.length || names[op] == null) {
            throw new IllegalArgumentException("no operation " + op + " in the table of TwinProgram");
        }
        return names[op];
    }

    /** Every op code of the table, indexed by code, with its name; null where a code is unused. */
    static String[] namesByOp(List<TwinKernel> kernels, List<TwinKernel> plumbing) {
        List<TwinKernel> rows = new ArrayList<>(kernels);
        rows.addAll(plumbing);
        int largest = 0;
        for (TwinKernel row : rows) {
            largest = Math.max(largest, row.op);
        }
        String[] names = new String[largest + 1];
        for (TwinKernel row : rows) {
            if (row.op <= 0 || names[row.op] != null) {
                throw new IllegalStateException("operation code " + row.op + " of " + row.name
                        + (row.op <= 0 ? " is not positive" : " is also " + names[row.op]));
            }
            names[row.op] = row.name;
        }
        return names;
    }

    /** The name of every kernel paired with a reference method, in the table's order. */
    public static List<String> names() {
        List<String> names = new ArrayList<>();
        for (TwinKernel kernel : TwinProgram.KERNELS) {
            names.add(kernel.name);
        }
        return names;
    }
}
