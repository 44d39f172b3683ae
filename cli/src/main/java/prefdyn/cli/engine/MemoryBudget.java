package prefdyn.cli.engine;

import prefdyn.cli.base.UserError;
import prefdyn.reference.model.GptConfig;

import java.util.Locale;

/**
 * Whether a model, a batch or a sampling job fits the JVM's heap, estimated before anything of that size is
 * allocated, so a setting that cannot run is refused in one line ("needs 12.3 GB, the JVM may use 6.0 GB") instead of
 * dying of {@link OutOfMemoryError} after minutes. The estimates count the float64 arrays the reference allocates:
 * θ, ∂L/∂θ and AdamW's two moments per trained engine, and per token of a forward + backward the activations of
 * every layer (about 18·C + H·T per block, twice for the backward's buffers) and the logits and log-softmax
 * (2·V, twice). They are lower bounds, so a refusal is always right; a run just under the bound can still fail.
 */
public final class MemoryBudget {

    private static final long BYTES_PER_DOUBLE = 8;

    private MemoryBudget() {
    }

    /** Bytes the JVM may still allocate: its maximum heap minus what is in use now. */
    public static long available() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.maxMemory() - (runtime.totalMemory() - runtime.freeMemory());
    }

    /** Bytes of {@code arrays} float64 arrays of the model's parameter count (θ, a gradient, a moment …). */
    public static long parameterArrays(GptConfig config, int arrays) {
        return multiply(config.parameterCount() * BYTES_PER_DOUBLE, arrays);
    }

    /** Bytes of one forward and backward pass over {@code rows} sequences of {@code width} tokens. */
    public static long passBytes(GptConfig config, long rows, long width) {
        long c = config.channels();
        long perToken = 2 * config.numLayers() * (18 * c + (long) config.numHeads() * width) + 4L * config.vocabSize();
        return multiply(multiply(rows, width), perToken * BYTES_PER_DOUBLE);
    }

    /**
     * Bytes of sampling {@code rows} sequences of up to {@code width} tokens with a KV cache: every block's keys and
     * values per position, and each row's next-token log-probabilities.
     */
    public static long samplingBytes(GptConfig config, long rows, long width) {
        long perRow = 2L * config.numLayers() * config.channels() * width + 2L * config.vocabSize();
        return multiply(rows, perRow * BYTES_PER_DOUBLE);
    }

    /**
     * Refuses the job when {@code bytes} exceeds what the JVM may still allocate.
     *
     * @param what the setting, as the user wrote it ("--batch 100000", "checkpoint DIR")
     */
    public static void require(String what, long bytes) {
        long available = available();
        if (bytes > available) {
            throw new UserError(String.format(Locale.ROOT, "%s needs at least %s of memory, the JVM may use %s "
                    + "(-Xmx %s): raise -Xmx (JAVA_OPTS=-Xmx%dg) or use a smaller model or setting", what, gb(bytes),
                    gb(available), gb(Runtime.getRuntime().maxMemory()), Math.max(1, (bytes >> 30) * 2 + 1)));
        }
    }

    static String gb(long bytes) {
        return bytes >= Long.MAX_VALUE / 2 ? "more than 4 EB" : String.format(Locale.ROOT, "%.1f GB", bytes / 1e9);
    }

    /** a·b, saturating at {@link Long#MAX_VALUE} instead of overflowing. */
    static long multiply(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        long product = a * b;
        return high != 0 || product < 0 ? Long.MAX_VALUE : product;
    }
}
