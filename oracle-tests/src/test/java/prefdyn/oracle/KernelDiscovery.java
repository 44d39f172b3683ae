package prefdyn.oracle;

import com.aparapi.Kernel;
import prefdyn.accelerated.kernels.TwinDevice;
import prefdyn.accelerated.kernels.TwinProgram;
import prefdyn.accelerated.kernels.Twins;
import prefdyn.reference.dynamics.GradientAlignment;
import prefdyn.reference.layers.Encoder;
import prefdyn.reference.optim.AdamW;
import prefdyn.reference.optim.GradientClipping;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Finds, by reflection and independently of the table of {@link TwinProgram}, what the table must match:
 * <ul>
 *   <li>reference: every public static method of every public class in {@code prefdyn.reference.layers} except
 *       the {@link #REFERENCE_ONLY} ones (none at present), plus the optimizer and metric kernels
 *       outside it ({@code AdamW.step}, {@code GradientClipping.globalNorm} and {@code clipGlobalNorm},
 *       {@code GradientAlignment.dot});</li>
 *   <li>device: every work-item body declared in the {@link TwinProgram} class chain, except the plumbing of
 *       {@code MemoryKernels} and the helpers of {@code TwinBuffers};</li>
 *   <li>host: each kernel's launch method in {@link TwinDevice}, the own methods of {@link Twins}, and the
 *       operation codes of {@link TwinProgram};</li>
 *   <li>the vector engine's layer methods.</li>
 * </ul>
 * A new layer method or kernel body without its row, or a row without them, shows up as a name present on one
 * side only ({@link KernelInventoryTest}).
 */
final class KernelDiscovery {

    /** Kernels outside the layers package, by class and method name. */
    private static final Map<Class<?>, List<String>> NON_LAYER_REFERENCES = Map.of(
            AdamW.class, List.of("step"),
            GradientClipping.class, List.of("globalNorm", "clipGlobalNorm"),
            GradientAlignment.class, List.of("dot"));

    /**
     * Layer methods without a twin, by name: none since the twin has its own KV-cached sampling session
     * ({@code encoderForwardAtPositions}, {@code attendOneQuery} and {@code storeKeysValues} are paired like the
     * rest). A layer method that only the reference needs would be named here, with the reason.
     */
    static final Set<String> REFERENCE_ONLY = Set.of();

    private static final String LAYERS_PACKAGE = Encoder.class.getPackageName();

    private KernelDiscovery() {
    }

    /** Reference kernel methods by name (without the {@link #REFERENCE_ONLY} ones, which must exist). */
    static Map<String, Method> referenceMethods() {
        Map<String, Method> methods = new TreeMap<>();
        Set<String> referenceOnlySeen = new TreeSet<>();
        for (Class<?> layer : publicClassesOf(LAYERS_PACKAGE, Encoder.class)) {
            for (Method method : layer.getDeclaredMethods()) {
                int modifiers = method.getModifiers();
                if (Modifier.isPublic(modifiers) && Modifier.isStatic(modifiers)) {
                    if (REFERENCE_ONLY.contains(method.getName())) {
                        referenceOnlySeen.add(method.getName());
                    } else {
                        putUnique(methods, method);
                    }
                }
            }
        }
        if (!referenceOnlySeen.equals(new TreeSet<>(REFERENCE_ONLY))) {
            throw new IllegalStateException("REFERENCE_ONLY names " + REFERENCE_ONLY + " but the layers have only "
                    + referenceOnlySeen + " of them: remove the stale names");
        }
        for (Map.Entry<Class<?>, List<String>> entry : NON_LAYER_REFERENCES.entrySet()) {
            for (Method method : entry.getKey().getDeclaredMethods()) {
                if (entry.getValue().contains(method.getName()) && !method.isSynthetic()) {
                    method.setAccessible(true); // GradientAlignment.dot is package-private
                    putUnique(methods, method);
                }
            }
        }
        return methods;
    }

    /**
     * The twin's own host-array methods by name: every public static method of {@link Twins} that takes arguments,
     * except {@link Twins#call} itself (the kernels whose table row leaves the arguments to Twins).
     */
    static Map<String, Method> ownTwinMethods() {
        Map<String, Method> methods = new TreeMap<>();
        for (Method method : Twins.class.getDeclaredMethods()) {
            int modifiers = method.getModifiers();
            if (Modifier.isPublic(modifiers) && Modifier.isStatic(modifiers) && method.getParameterCount() > 0
                    && !method.getName().equals("call")) {
                putUnique(methods, method);
            }
        }
        return methods;
    }

    /** The public instance methods of {@link TwinDevice} named {@code name}: a kernel's launch. */
    static List<Method> launchMethods(String name) {
        List<Method> methods = new ArrayList<>();
        for (Method method : TwinDevice.class.getMethods()) {
            if (method.getName().equals(name) && !Modifier.isStatic(method.getModifiers())) {
                methods.add(method);
            }
        }
        return methods;
    }

    /** The operation codes of {@link TwinProgram}: its static final int fields, by name. */
    static Map<String, Integer> opCodes() {
        Map<String, Integer> codes = new TreeMap<>();
        for (Field field : TwinProgram.class.getDeclaredFields()) {
            int modifiers = field.getModifiers();
            if (Modifier.isStatic(modifiers) && Modifier.isFinal(modifiers) && field.getType() == int.class) {
                try {
                    field.setAccessible(true);
                    codes.put(field.getName(), field.getInt(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return codes;
    }

    /**
     * Reference kernels the vector engine has no counterpart of, by name, with the reason: {@code dot}, because G
     * runs on {@code double[]} copies of the gradient ({@code PolicyEngine.copyGradientsTo}) and the engine keeps
     * no dot product of its own.
     */
    static final Set<String> ABSENT_FROM_VECTOR = Set.of("dot");

    /**
     * The vector engine's layer methods by name: every public static method of every public class of
     * {@code prefdyn.vector.layers} and {@code prefdyn.vector.optim}.
     */
    static Map<String, Method> vectorMethods() {
        Map<String, Method> methods = new TreeMap<>();
        for (Class<?> anchor : List.of(prefdyn.vector.layers.Linear.class, prefdyn.vector.optim.AdamW.class)) {
            for (Class<?> layer : publicClassesOf(anchor.getPackageName(), anchor)) {
                for (Method method : layer.getDeclaredMethods()) {
                    int modifiers = method.getModifiers();
                    if (Modifier.isPublic(modifiers) && Modifier.isStatic(modifiers)) {
                        putUnique(methods, method);
                    }
                }
            }
        }
        return methods;
    }

    /** Names of the OpenCL work-item bodies. */
    static Set<String> deviceBodyNames() {
        Set<String> names = new TreeSet<>();
        for (Class<?> c = TwinProgram.class.getSuperclass(); c != Kernel.class; c = c.getSuperclass()) {
            String simpleName = c.getSimpleName();
            if (simpleName.equals("MemoryKernels") || simpleName.equals("TwinBuffers")) {
                continue;
            }
            for (Method method : c.getDeclaredMethods()) {
                if (Modifier.isProtected(method.getModifiers()) && !method.isSynthetic()) {
                    names.add(method.getName());
                }
            }
        }
        return names;
    }

    private static void putUnique(Map<String, Method> methods, Method method) {
        Method previous = methods.put(method.getName(), method);
        if (previous != null) {
            throw new IllegalStateException("two kernels named " + method.getName() + ": "
                    + previous.getDeclaringClass().getName() + " and " + method.getDeclaringClass().getName()
                    + "; pairing by name needs unique names");
        }
    }

    /** The public top-level classes of a package, read from the directory or jar that holds {@code anchor}. */
    private static List<Class<?>> publicClassesOf(String packageName, Class<?> anchor) {
        String folder = packageName.replace('.', '/');
        List<String> classNames = new ArrayList<>();
        try {
            Path location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(location)) {
                try (Stream<Path> files = Files.list(location.resolve(folder))) {
                    files.map(path -> path.getFileName().toString()).forEach(classNames::add);
                }
            } else {
                try (JarFile jar = new JarFile(location.toFile())) {
                    for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
                        String name = entries.nextElement().getName();
                        if (name.startsWith(folder + "/") && name.indexOf('/', folder.length() + 1) < 0) {
                            classNames.add(name.substring(folder.length() + 1));
                        }
                    }
                }
            }
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("cannot list the classes of " + packageName, e);
        }
        List<Class<?>> classes = new ArrayList<>();
        for (String file : classNames) {
            if (!file.endsWith(".class") || file.contains("$") || file.equals("package-info.class")) {
                continue;
            }
            try {
                Class<?> c = Class.forName(packageName + "." + file.substring(0, file.length() - ".class".length()));
                if (Modifier.isPublic(c.getModifiers())) {
                    classes.add(c);
                }
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
        return classes;
    }
}
