package prefdyn.bench;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import prefdyn.accelerated.kernels.OpenClDevices;
import prefdyn.reference.model.FlopCount;
import prefdyn.reference.model.GptConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Runs the benchmarks of this module with JMH and prints, from that one run, the tables of docs/benchmarks.md:
 * <ol>
 *   <li>every matrix product of the model, reference loops against EJML, as time per call, the ratio
 *       reference / EJML (the goal of {@code docs/benchmarks.md}: at most 4 against single-threaded EJML) and
 *       GFLOP/s;</li>
 *   <li>every layer's forward and backward, reference on 1 and 2 threads against the twin;</li>
 *   <li>the whole model's forward + backward in tokens/s and GFLOP/s ({@link FlopCount}).</li>
 * </ol>
 * Every time is the median of JMH's measurement iterations (each the mean time of one call over one iteration),
 * with the smallest and largest iteration in brackets.
 *
 * <pre>
 *   java -cp bench/target/prefdyn-bench.jar prefdyn.bench.Summary [JMH options]   e.g. -f 1 -wi 3 -i 5
 *   java -cp bench/target/prefdyn-bench.jar prefdyn.bench.Summary --read results.json
 * </pre>
 * JMH options select and size the run as for {@code java -jar prefdyn-bench.jar}; a regular expression limits it
 * to some benchmarks ({@code MatmulAnchor} for the EJML table alone). {@code --read} prints the tables from a JSON
 * file that JMH wrote ({@code -rf json -rff FILE}) instead of running. The exit status is 1 when a benchmark the
 * tables need has no result (for example the twin's, without an OpenCL device).
 */
public final class Summary {

    private static final double GOAL = 4.0;

    private final List<Measurement> measurements;
    private final List<String> missing = new ArrayList<>();

    private Summary(List<Measurement> measurements) {
        this.measurements = measurements;
    }

    public static void main(String[] args) throws Exception {
        List<Measurement> measurements;
        String header;
        if (args.length == 2 && args[0].equals("--read")) {
            measurements = Measurement.fromJson(Files.readString(Path.of(args[1])));
            header = String.format("## prefdyn benchmarks, read from %s%n%n(JMH's JSON does not record the machine, "
                    + "the date or the load of the run that wrote it.)%n", args[1]);
        } else {
            String loadBefore = loadAverage();
            Options options = new OptionsBuilder().parent(new CommandLineOptions(args)).build();
            Collection<RunResult> results = new Runner(options).run();
            measurements = results.stream().map(Measurement::of).toList();
            header = header(loadBefore);
        }
        Summary summary = new Summary(measurements);
        System.out.println();
        System.out.println(header);
        System.out.println(summary.matmulTables());
        System.out.println(summary.layerTables());
        System.out.println(summary.stepTable());
        if (!summary.missing.isEmpty()) {
            System.out.println("Cells without a result (the benchmark failed, or was not selected; JMH's log above "
                    + "says why a benchmark failed):");
            summary.missing.stream().distinct().forEach(name -> System.out.println("  " + name));
            System.exit(1);
        }
    }

    // ---- the matrix products against EJML ----------------------------------------------------------------

    String matmulTables() {
        StringBuilder text = new StringBuilder();
        double worst = 0;
        String worstWhere = "";
        for (ModelSize size : ModelSize.values()) {
            if (!has("MatmulAnchorBenchmark", size)) {
                continue;
            }
            GptConfig config = size.config();
            int N = size.rows();
            text.append(String.format("%n### Matrix products, %s config (N = %d rows), µs per call%n%n", size.label(), N));
            text.append("| shape | product | pass | reference, 1 thread | EJML, 1 thread | reference / EJML "
                    + "| GFLOP/s reference / EJML | reference, 2 threads | EJML concurrent, 2 threads "
                    + "| reference / EJML, 2 threads |\n");
            text.append("|---|---|---|---|---|---|---|---|---|---|\n");
            for (MatmulShape shape : MatmulShape.values()) {
                int I = shape.in(config);
                int O = shape.out(config);
                String product = shape == MatmulShape.LM_HEAD
                        ? String.format("[%d,%d]·[%d,%d]ᵀ", N, I, O, I)
                        : String.format("[%d,%d]·[%d,%d]", N, I, I, O);
                for (String pass : new String[]{"Forward", "Backward"}) {
                    Map<String, String> params = Map.of("config", size.label(), "shape", shape.label());
                    Measurement reference = find("MatmulAnchorBenchmark.reference" + pass, params);
                    Measurement ejml = find("MatmulAnchorBenchmark.ejml" + pass, params);
                    Measurement reference2 = find("MatmulAnchorBenchmark.reference" + pass + "2Threads", params);
                    Measurement ejml2 = find("MatmulAnchorBenchmark.ejmlConcurrent" + pass, params);
                    if (reference == null && ejml == null && reference2 == null && ejml2 == null) {
                        continue;
                    }
                    expect(reference, "MatmulAnchorBenchmark.reference" + pass, params);
                    expect(ejml, "MatmulAnchorBenchmark.ejml" + pass, params);
                    expect(reference2, "MatmulAnchorBenchmark.reference" + pass + "2Threads", params);
                    expect(ejml2, "MatmulAnchorBenchmark.ejmlConcurrent" + pass, params);
                    long flops = pass.equals("Forward") ? FlopCount.matmulForward(N, I, O)
                            : FlopCount.matmulBackward(N, I, O);
                    double ratio = ratio(reference, ejml);
                    if (ratio > worst) {
                        worst = ratio;
                        worstWhere = size.label() + " " + shape.label() + " " + pass.toLowerCase(Locale.ROOT);
                    }
                    text.append(String.format("| %s | %s | %s | %s | %s | %s | %s / %s | %s | %s | %s |%n",
                            shape.label(), product, pass.toLowerCase(Locale.ROOT), cell(reference), cell(ejml),
                            ratioText(ratio), gflops(flops, reference), gflops(flops, ejml), cell(reference2),
                            cell(ejml2), ratioText(ratio(reference2, ejml2))));
                }
            }
        }
        if (worst > 0) {
            text.append(String.format("%nGoal: the reference's loops within %.0f× of single-threaded EJML on "
                            + "every shape. Largest ratio in this run: %.2f (%s): %s.%n", GOAL, worst, worstWhere,
                    worst <= GOAL ? "met" : String.format("not met, by a factor %.2f", worst / GOAL)));
        }
        return text.toString();
    }

    // ---- every layer, reference against twin --------------------------------------------------------------

    /** The layers in model order: benchmark method prefix, name, and whether the reference layer is parallel. */
    private record Layer(String method, String name, boolean parallel) {
    }

    private static final List<Layer> LAYERS = List.of(
            new Layer("encoder", "encoder", false),
            new Layer("layerNorm", "layerNorm", true),
            new Layer("linearQkv", "linear qkv", true),
            new Layer("attention", "attention", true),
            new Layer("linearAttnProj", "linear attn-proj", true),
            new Layer("residual", "residual", false),
            new Layer("linearFc", "linear fc", true),
            new Layer("gelu", "gelu", true),
            new Layer("linearFcProj", "linear fc-proj", true),
            new Layer("lmHead", "lmHead", true),
            new Layer("logSoftmax", "logSoftmax", true),
            new Layer("tokenLogProb", "tokenLogProb", false));

    String layerTables() {
        StringBuilder text = new StringBuilder();
        for (ModelSize size : ModelSize.values()) {
            if (!has("ReferenceLayerBenchmark", size) && !has("TwinLayerBenchmark", size)
                    && !has("ReferenceSerialLayerBenchmark", size)) {
                continue;
            }
            text.append(String.format("%n### Layers, %s config (N = %d rows), µs per call%n%n", size.label(),
                    size.rows()));
            text.append("| layer | pass | reference, 1 thread | reference, 2 threads | twin | "
                    + "reference 2 threads / twin | GFLOP/s reference 1 thread / twin |\n");
            text.append("|---|---|---|---|---|---|---|\n");
            for (Layer layer : LAYERS) {
                for (String pass : new String[]{"Forward", "Backward"}) {
                    String method = layer.method() + pass;
                    Map<String, String> one = Map.of("config", size.label(), "threads", "1");
                    Map<String, String> two = Map.of("config", size.label(), "threads", "2");
                    Map<String, String> config = Map.of("config", size.label());
                    Measurement reference1 = layer.parallel()
                            ? find("ReferenceLayerBenchmark." + method, one)
                            : find("ReferenceSerialLayerBenchmark." + method, config);
                    Measurement reference2 = layer.parallel() ? find("ReferenceLayerBenchmark." + method, two) : null;
                    Measurement twin = find("TwinLayerBenchmark." + method, config);
                    if (reference1 == null && reference2 == null && twin == null) {
                        continue;
                    }
                    expect(reference1, (layer.parallel() ? "ReferenceLayerBenchmark." : "ReferenceSerialLayerBenchmark.")
                            + method, one);
                    if (layer.parallel()) {
                        expect(reference2, "ReferenceLayerBenchmark." + method, two);
                    }
                    expect(twin, "TwinLayerBenchmark." + method, config);
                    LongSupplier flops = layerFlops(size, layer.method(), pass.equals("Forward"));
                    String flopCell = flops == null ? "—"
                            : gflops(flops.getAsLong(), reference1) + " / " + gflops(flops.getAsLong(), twin);
                    text.append(String.format("| %s | %s | %s | %s | %s | %s | %s |%n", layer.name(),
                            pass.toLowerCase(Locale.ROOT), cell(reference1),
                            layer.parallel() ? cell(reference2) : "(single-threaded)", cell(twin),
                            ratioText(ratio(layer.parallel() ? reference2 : reference1, twin)), flopCell));
                }
            }
        }
        return text.toString();
    }

    private static LongSupplier layerFlops(ModelSize size, String layer, boolean forward) {
        GptConfig config = size.config();
        int N = size.rows();
        MatmulShape shape = switch (layer) {
            case "linearQkv" -> MatmulShape.QKV;
            case "linearAttnProj" -> MatmulShape.ATTN_PROJ;
            case "linearFc" -> MatmulShape.FC;
            case "linearFcProj" -> MatmulShape.FC_PROJ;
            case "lmHead" -> MatmulShape.LM_HEAD;
            default -> null;
        };
        if (shape != null) {
            int I = shape.in(config);
            int O = shape.out(config);
            return () -> forward ? FlopCount.matmulForward(N, I, O) : FlopCount.matmulBackward(N, I, O);
        }
        if (layer.equals("attention")) {
            int B = ModelSize.BATCH;
            int T = config.contextLength();
            int C = config.channels();
            return () -> forward ? FlopCount.attentionForward(B, T, C) : FlopCount.attentionBackward(B, T, C);
        }
        return null;
    }

    // ---- the whole model --------------------------------------------------------------------------------------

    String stepTable() {
        StringBuilder text = new StringBuilder();
        for (ModelSize size : ModelSize.values()) {
            if (!has("ModelStepBenchmark", size)) {
                continue;
            }
            int tokens = size.rows();
            long flops = ModelStepBenchmark.flopsPerStep(size);
            text.append(String.format("%n### Whole model, %s config: forward + backward of %d tokens "
                            + "(%,d FLOPs per token by FlopCount, %.1f MFLOP per step)%n%n", size.label(), tokens,
                    flops / tokens, flops / 1e6));
            text.append("| threads | ms per step | tokens/s | GFLOP/s |\n|---|---|---|---|\n");
            for (String threads : new String[]{"1", "2"}) {
                Measurement step = find("ModelStepBenchmark.forwardBackward",
                        Map.of("config", size.label(), "threads", threads));
                if (step == null) {
                    continue;
                }
                double seconds = step.medianMicros() / 1e6;
                text.append(String.format("| %s | %.1f (%.1f–%.1f) | %,.0f | %.2f |%n", threads, seconds * 1e3,
                        step.minMicros() / 1e3, step.maxMicros() / 1e3, tokens / seconds, flops / seconds / 1e9));
            }
        }
        return text.toString();
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private boolean has(String benchmarkClass, ModelSize size) {
        return measurements.stream().anyMatch(m -> m.benchmarkClass().equals(benchmarkClass)
                && size.label().equals(m.params().get("config")));
    }

    /**
     * The measurement of {@code benchmark} whose parameters include {@code params}, or a placeholder without
     * numbers (see {@link #cell}) when there is none.
     */
    private Measurement find(String benchmark, Map<String, String> params) {
        for (Measurement m : measurements) {
            if (m.benchmark().equals(benchmark) && params.entrySet().stream()
                    .allMatch(e -> Objects.equals(m.params().get(e.getKey()), e.getValue()))) {
                return m;
            }
        }
        return null;
    }

    /** Notes a cell of a printed row that has no result (which makes the exit status 1). */
    private void expect(Measurement m, String benchmark, Map<String, String> params) {
        if (m == null) {
            missing.add(benchmark + " " + params);
        }
    }

    private static double ratio(Measurement numerator, Measurement denominator) {
        return numerator == null || denominator == null ? Double.NaN
                : numerator.medianMicros() / denominator.medianMicros();
    }

    private static String ratioText(double ratio) {
        return Double.isNaN(ratio) ? "—" : String.format("%.2f", ratio);
    }

    /** "median (min–max)" in µs. */
    private static String cell(Measurement m) {
        if (m == null) {
            return "no result";
        }
        return micros(m.medianMicros()) + " (" + micros(m.minMicros()) + "–" + micros(m.maxMicros()) + ")";
    }

    private static String micros(double value) {
        return value < 100 ? String.format("%.1f", value) : String.format("%,.0f", value);
    }

    private static String gflops(long flops, Measurement m) {
        return m == null ? "—" : String.format("%.2f", flops / (m.medianMicros() * 1e3));
    }

    private static String header(String loadBefore) {
        String date = ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        String device;
        try {
            device = OpenClDevices.describe(OpenClDevices.best());
        } catch (RuntimeException | LinkageError e) {
            device = "none (" + e.getMessage() + ")";
        }
        return String.format("## prefdyn benchmarks%n%n"
                        + "- date: %s; commit: %s%n"
                        + "- machine: %s, %d processors, %s memory; %s %s, %s %s%n"
                        + "- OpenCL device (Aparapi's best): %s%n"
                        + "- load average (1, 5, 15 min) before: %s; after: %s%n",
                date, commit(), cpuModel(), Runtime.getRuntime().availableProcessors(), memory(),
                System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), device, loadBefore, loadAverage());
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + ", " + fields[1] + ", " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return "CPU unknown";
    }

    private static String memory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kib = Long.parseLong(line.replaceAll("\\D+", ""));
                    return String.format("%.1f GiB", kib / 1024.0 / 1024.0);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return "unknown";
    }

    private static String commit() {
        try {
            Process git = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes()).trim();
            return git.waitFor() == 0 ? out : "unknown";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
