package prefdyn.cli.bench;

import prefdyn.reference.util.JsonFiles;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The machine a benchmark ran on, the commit it measured, and {@code docs/perf-history.jsonl}: one JSON object per
 * line, one line per recorded benchmark run.
 */
public final class PerfHistory {

    /** Where {@code prefdyn bench --record} appends by default (relative to the working directory). */
    public static final String DEFAULT_FILE = "docs/perf-history.jsonl";

    private PerfHistory() {
    }

    /**
     * Appends {@code record} as one line: the file is created if absent, and the line goes out in a single
     * append-mode write of the complete line (with a newline first if the file does not end with one), so a
     * reader never sees half a record and concurrent appenders do not interleave within a line.
     */
    public static void append(Path file, Map<String, Object> record) throws IOException {
        String line = JsonFiles.write(record) + "\n";
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (Files.isRegularFile(file) && Files.size(file) > 0) {
            try (RandomAccessFile existing = new RandomAccessFile(file.toFile(), "r")) {
                existing.seek(existing.length() - 1);
                if (existing.read() != '\n') {
                    line = "\n" + line;
                }
            }
        }
        // one write of the whole line in append mode (O_APPEND): it lands after whatever is there at that moment
        Files.write(file, line.getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
    }

    /**
     * The machine in a few fields: CPU model (from /proc/cpuinfo where there is one), processors, memory, OS, Java,
     * and the load average when the benchmark ended (another build on a 2-core box halves every figure).
     */
    public static Map<String, Object> machine() {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cpu", cpuModel());
        machine.put("processors", Runtime.getRuntime().availableProcessors());
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            machine.put("memory_gib", Math.round(sun.getTotalMemorySize() / (double) (1L << 30) * 10) / 10.0);
        }
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        machine.put("java", System.getProperty("java.vendor") + " " + System.getProperty("java.version"));
        double load = os.getSystemLoadAverage();
        machine.put("load_average", load < 0 ? null : Math.round(load * 100) / 100.0);
        return machine;
    }

    /** The machine as one line of text. */
    public static String describe(Map<String, Object> machine) {
        return String.format(Locale.ROOT, "%s; %s processors; %s GiB; %s; Java %s; load average %s",
                machine.get("cpu"), machine.get("processors"), machine.getOrDefault("memory_gib", "?"),
                machine.get("os"), machine.get("java"), machine.get("load_average") == null ? "unknown"
                        : machine.get("load_average"));
    }

    private static String cpuModel() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            try {
                for (String line : Files.readAllLines(cpuinfo)) {
                    if (line.startsWith("model name")) {
                        int colon = line.indexOf(':');
                        if (colon >= 0) {
                            return line.substring(colon + 1).strip();
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                // fall through to the architecture
            }
        }
        return System.getProperty("os.arch");
    }
}
