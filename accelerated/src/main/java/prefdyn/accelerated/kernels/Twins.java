package prefdyn.accelerated.kernels;

import prefdyn.reference.optim.AdamWSettings;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Every twin kernel on host arrays, called by the name of the reference method it mirrors with the reference's
 * arguments in the reference's order, {@code float[]} for {@code double[]} and no {@code Parallel}:
 * {@code Twins.call("linearForward", out, inp, params, weightOffset, biasOffset, N, I, O)}. Each call copies its
 * arrays to the device, runs the same launch the engine uses ({@link TwinDevice}'s method of that name), and copies
 * every float array back (outputs and accumulated arrays alike).
 *
 * <p>The calls are derived from the table of {@link TwinProgram}: a row's {@link TwinKernel#arrays()} says which
 * program buffer each array argument goes to; an array in a buffer placed by offset ({@code acts}, {@code dacts},
 * {@code kvCache}, {@code ints}) is replaced by its offset there (a null array by −1, "absent"), an array bound
 * whole ({@code params}, {@code grads}) is dropped, and every other argument is passed on as it is. The kernels
 * whose launch takes other arguments than the reference (a scratch buffer, the optimizer state, a returned norm
 * or sum) have a method of their own here, of the kernel's name, which {@link #call} runs for them.
 *
 * <p>This is the surface the differential tests pair with the reference by name. It runs on one shared device
 * opened with {@link FallbackPolicy#FAIL_FAST}: a call that cannot run on OpenCL throws. It is slow (a round trip
 * per call) and meant for checking, not for training; {@code AcceleratedEngine} keeps everything on the device.
 * Its arrays are not padded to {@link TwinDevice#GPU_MINIMUM_LENGTH}: on a GPU, a garbage collection between the
 * two launches of one call (attention backward, clipping) could in principle move an array and lose the first
 * launch's result.
 */
public final class Twins {

    private static TwinDevice shared;

    private Twins() {
    }

    /** The shared device, opened on first use. */
    private static TwinDevice device() {
        if (shared == null) {
            shared = TwinDevice.open(FallbackPolicy.FAIL_FAST);
        }
        return shared;
    }

    /** True when at least one twin ran here and every launch ran on an OpenCL device. */
    public static synchronized boolean kernelsRunOnOpenCl() {
        return shared != null && shared.kernelsRunOnOpenCl();
    }

    /** Every kernel the standalone twins have launched: name, launches, how many on OpenCL, device. */
    public static synchronized List<KernelExecution> executions() {
        return shared == null ? List.of() : shared.executions();
    }

    /** The shared device, in words (opens it). */
    public static synchronized String deviceDescription() {
        return device().deviceDescription();
    }

    /**
     * Runs the kernel {@code name} on host arrays: the arguments of the reference method of that name, with
     * {@code float[]} for {@code double[]} and without the {@code Parallel}.
     *
     * @return the kernel's result (the norm of {@code globalNorm} and {@code clipGlobalNorm}, the sum of
     *         {@code dot}), or null for a kernel that returns nothing
     * @throws IllegalArgumentException when there is no such kernel, or the arguments do not fit its row
     */
    public static synchronized Object call(String name, Object... arguments) {
        TwinKernel kernel = TwinKernel.named(name);
        if (!kernel.placedByTable()) {
            return invoke(ownMethod(name), null, arguments);
        }
        List<String> arrays = kernel.arrays();
        StandaloneCall call = new StandaloneCall(device());
        List<Object> launchArguments = new ArrayList<>();
        int a = 0;
        for (Object argument : arguments) {
            if (argument != null && !(argument instanceof float[]) && !(argument instanceof int[])) {
                launchArguments.add(argument);
                continue;
            }
            if (a == arrays.size()) {
                throw new IllegalArgumentException(name + ": more array arguments than the " + arrays.size()
                        + " of its row " + arrays);
            }
            String buffer = arrays.get(a++);
            if (buffer.equals("params") || buffer.equals("grads")) {
                float[] values = floats(name, buffer, argument, a);
                if (buffer.equals("params")) {
                    call.params(values);
                } else {
                    call.grads(values);
                }
            } else if (argument == null) {
                launchArguments.add(-1);
            } else if (buffer.equals("ints")) {
                if (!(argument instanceof int[] values)) {
                    throw new IllegalArgumentException(name + ": array argument " + a + " goes to ints, expected an"
                            + " int[], got a float[]");
                }
                launchArguments.add(call.ints(values));
            } else {
                float[] values = floats(name, buffer, argument, a);
                launchArguments.add(switch (buffer) {
                    case "acts" -> call.acts(values);
                    case "dacts" -> call.dacts(values);
                    default -> call.kvCache(values);
                });
            }
        }
        if (a != arrays.size()) {
            throw new IllegalArgumentException(name + ": " + a + " array arguments, expected the " + arrays.size()
                    + " of its row " + arrays);
        }
        Method launch = launchMethod(name);
        if (launch.getParameterCount() != launchArguments.size()) {
            throw new IllegalArgumentException(name + ": " + arguments.length + " arguments give "
                    + launchArguments.size() + " launch arguments, expected the " + launch.getParameterCount()
                    + " of TwinDevice." + name);
        }
        call.upload();
        invoke(launch, shared, launchArguments.toArray());
        call.download();
        return null;
    }

    // ---- the kernels whose row has no arrays: their launch takes other arguments than the reference ------------

    /**
     * One query, as the reference method takes it: the device's attendOneQuery for N = 1 row and H = 1 head of size
     * C = headSize, with the query, keys and values placed at the given starts (keys and values in the KV cache
     * buffer, as the engine's cache is).
     */
    public static synchronized void attendOneQuery(float[] out, int outStart, float[] weights, int weightsStart,
                                                   float[] query, int queryStart, float[] keys, int firstKey,
                                                   float[] values, int firstValue, int stride, int t, int headSize) {
        StandaloneCall call = new StandaloneCall(device());
        int outAt = call.acts(out);
        int weightsAt = call.acts(weights);
        int queryAt = call.acts(query);
        int keysAt = call.kvCache(keys);
        int valuesAt = call.kvCache(values);
        int positionsAt = call.ints(new int[] {t});
        int sequencesAt = call.ints(new int[] {0});
        call.upload();
        shared.attendOneQuery(outAt + outStart, weightsAt + weightsStart, queryAt + queryStart, keysAt + firstKey,
                valuesAt + firstValue, positionsAt, sequencesAt, 1, headSize, 1, t + 1, stride);
        call.download();
    }

    /**
     * Twin of {@code Attention.attentionBackward}, with the scratch buffer [B,H,T,T] of the device's two passes.
     *
     * @param dqkv [B,T,3C] accumulated into
     * @param dout [B,T,C]
     * @param qkv  [B,T,3C]
     * @param att  [B,H,T,T] the forward's attention weights
     */
    public static synchronized void attentionBackward(float[] dqkv, float[] dout, float[] qkv, float[] att, int B,
                                                      int T, int C, int H) {
        StandaloneCall call = new StandaloneCall(device());
        int dqkvAt = call.dacts(dqkv);
        int doutAt = call.dacts(dout);
        int qkvAt = call.acts(qkv);
        int attAt = call.acts(att);
        int scratchAt = call.dacts(new float[B * H * T * T]);
        call.upload();
        shared.attentionBackward(dqkvAt, doutAt, qkvAt, attAt, scratchAt, B, T, C, H);
        call.download();
    }

    /**
     * Twin of {@code AdamW.step}, with the optimizer state passed in: performs update number {@code stepNumber}
     * (t ≥ 1, the reference's step count after its increment).
     *
     * @param params       [P] updated
     * @param grads        [P]
     * @param firstMoment  [P] m, updated
     * @param secondMoment [P] v, updated
     * @param decayed      [P] true where weight decay applies
     */
    public static synchronized void step(float[] params, float[] grads, float[] firstMoment, float[] secondMoment,
                                         boolean[] decayed, long stepNumber, AdamWSettings settings,
                                         double learningRate) {
        if (!(learningRate >= 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be finite and non-negative, got " + learningRate);
        }
        StandaloneCall call = new StandaloneCall(device());
        call.params(params);
        call.grads(grads);
        call.firstMoment(firstMoment);
        call.secondMoment(secondMoment);
        int[] mask = new int[decayed.length];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = decayed[i] ? 1 : 0;
        }
        call.decayed(mask);
        call.upload();
        shared.step(stepNumber, settings.beta1(), settings.beta2(), settings.epsilon(), settings.weightDecay(),
                learningRate);
        call.download();
    }

    /** Twin of {@code GradientClipping.globalNorm}: ‖g‖₂ by the device's chunked reduction. */
    public static synchronized double globalNorm(float[] grads) {
        StandaloneCall call = new StandaloneCall(device());
        call.grads(grads);
        call.upload();
        double norm = shared.globalNorm();
        call.download();
        return norm;
    }

    /** Twin of {@code GradientClipping.clipGlobalNorm}: clips {@code grads} in place, returns the norm before. */
    public static synchronized double clipGlobalNorm(float[] grads, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("maxNorm must be positive, got " + maxNorm);
        }
        StandaloneCall call = new StandaloneCall(device());
        call.grads(grads);
        call.upload();
        double norm = shared.globalNorm();
        double coefficient = maxNorm / (norm + 1e-6);
        if (coefficient < 1.0) {
            shared.clipGlobalNorm(coefficient);
        }
        call.download();
        return norm;
    }

    /** Twin of {@code GradientAlignment.dot}: Σ_{i in [start, end)} a[i]·b[i] by the device's chunked reduction. */
    public static synchronized double dot(float[] a, float[] b, int start, int end) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("a and b differ in length: " + a.length + " and " + b.length);
        }
        StandaloneCall call = new StandaloneCall(device());
        call.vector(a);
        call.grads(b);
        call.upload();
        double sum = shared.dot(start, end);
        call.download();
        return sum;
    }

    // ---- the derivation ---------------------------------------------------------------------------------------

    private static float[] floats(String name, String buffer, Object argument, int position) {
        if (!(argument instanceof float[] values)) {
            throw new IllegalArgumentException(name + ": array argument " + position + " goes to " + buffer
                    + ", expected a float[], got " + (argument == null ? "null" : "an int[]"));
        }
        return values;
    }

    /** TwinDevice's public launch method of this name: exactly one. */
    private static Method launchMethod(String name) {
        return only(name, "TwinDevice", Arrays.stream(TwinDevice.class.getMethods())
                .filter(method -> method.getName().equals(name) && !Modifier.isStatic(method.getModifiers()))
                .toList());
    }

    /** The method of this name here, for a kernel whose row leaves the arguments to it. */
    private static Method ownMethod(String name) {
        return only(name, "Twins", Arrays.stream(Twins.class.getDeclaredMethods())
                .filter(method -> method.getName().equals(name) && Modifier.isPublic(method.getModifiers()))
                .toList());
    }

    private static Method only(String name, String where, List<Method> methods) {
        if (methods.size() != 1) {
            throw new IllegalStateException(name + ": expected one public method " + where + "." + name + ", found "
                    + methods.size());
        }
        return methods.get(0);
    }

    private static Object invoke(Method method, Object receiver, Object[] arguments) {
        try {
            return method.invoke(receiver, arguments);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(method.getDeclaringClass().getSimpleName() + "." + method.getName()
                    + " takes " + Arrays.toString(method.getParameterTypes()) + ", got " + describe(arguments), e);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw new IllegalStateException(method.getName() + " failed", e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String describe(Object[] arguments) {
        List<String> types = new ArrayList<>();
        for (Object argument : arguments) {
            types.add(argument == null ? "null" : argument.getClass().getSimpleName());
        }
        return types.toString();
    }
}
