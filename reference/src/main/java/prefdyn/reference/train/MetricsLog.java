package prefdyn.reference.train;

import prefdyn.reference.util.JsonFiles;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-step metrics as JSON lines ({@code metrics.jsonl}), one object per line, under TRL's metric names where TRL
 * has one ({@code rewards/chosen}, {@code objective/kl}, …) plus prefdyn's own ({@code omega/mean},
 * {@code grad_norm/positive}, …). Every line carries {@code "step"}.
 *
 * <p>Crash safety: each line is written whole and flushed before the next step, so an interrupted run leaves
 * every completed step intact; at most a final partial line can exist, and {@link #open} removes it when a run is
 * resumed. A metric that is NaN or infinite is refused (the step is named), since that is a bug to surface, not a
 * value to log.
 */
public final class MetricsLog implements AutoCloseable {

    private final Path file;
    private final BufferedWriter writer;

    private MetricsLog(Path file, BufferedWriter writer) {
        this.file = file;
        this.writer = writer;
    }

    /**
     * Opens {@code file} for appending (created if absent). A trailing partial line left by a crash is cut off.
     */
    public static MetricsLog open(Path file) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            if (Files.exists(file)) {
                byte[] bytes = Files.readAllBytes(file);
                int end = bytes.length;
                while (end > 0 && bytes[end - 1] != '\n') {
                    end--;
                }
                if (end != bytes.length) {
                    try (var channel = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
                        channel.truncate(end);
                    }
                }
            }
            BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            return new MetricsLog(file, writer);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open metrics file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Cuts {@code file} back to its whole lines whose {@code "step"} is below {@code step} (resuming at that step):
     * the lines a killed run wrote after its resume point, and a final line cut short, go. A missing file stays
     * missing.
     */
    public static void truncateBefore(Path file, long step) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        byte[] bytes = Files.readAllBytes(file);
        int keep = 0;
        int lineStart = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                String line = new String(bytes, lineStart, i - lineStart, StandardCharsets.UTF_8);
                Object lineStep;
                try {
                    lineStep = JsonFiles.parseObject(line).get("step");
                } catch (IllegalArgumentException e) {
                    throw new IOException(file + ": line " + lineNumber(bytes, lineStart) + " is not a JSON object ("
                            + e.getMessage() + ")", e);
                }
                if (!(lineStep instanceof Number n) || n.longValue() >= step) {
                    break;
                }
                keep = i + 1;
                lineStart = i + 1;
            }
        }
        if (keep != bytes.length) {
            try (var channel = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(keep);
            }
        }
    }

    private static int lineNumber(byte[] bytes, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            line += bytes[i] == '\n' ? 1 : 0;
        }
        return line;
    }

    /** Writes one line {@code {"step": step, ...metrics}} and flushes it. */
    public void write(long step, Map<String, ?> metrics) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("step", step);
        for (Map.Entry<String, ?> entry : metrics.entrySet()) {
            Object value = entry.getValue();
            if (value instanceof Double d && !Double.isFinite(d)) {
                throw new ArithmeticException("metric '" + entry.getKey() + "' is " + d + " at step " + step);
            }
            line.put(entry.getKey(), value);
        }
        try {
            writer.write(JsonFiles.write(line));
            writer.write('\n');
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metrics to " + file + ": " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() {
        try {
            writer.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close metrics file " + file + ": " + e.getMessage(), e);
        }
    }
}
