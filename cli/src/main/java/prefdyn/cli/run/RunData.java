package prefdyn.cli.run;

import prefdyn.cli.base.UserError;
import prefdyn.reference.util.JsonFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a finished run directory holds, read back for the report: {@code config.json}, {@code metrics.jsonl},
 * {@code dynamics.jsonl}, {@code evaluation.json} and {@code samples.jsonl}. Missing optional files read as empty.
 */
public record RunData(String name, Path directory, Map<String, Object> config, List<Map<String, Object>> metrics,
                      List<Map<String, Object>> dynamics, Map<String, Object> evaluation,
                      List<Map<String, Object>> samples) {

    /** Reads a run directory; {@code config.json} is required, the rest optional. */
    public static RunData load(Path directory) {
        Map<String, Object> config = RunDirectory.readJson(directory.resolve("config.json"));
        Object name = config.get("name");
        Map<String, Object> evaluation = Files.exists(directory.resolve("evaluation.json"))
                ? RunDirectory.readJson(directory.resolve("evaluation.json")) : null;
        return new RunData(name instanceof String s ? s : directory.getFileName().toString(), directory, config,
                lines(directory.resolve("metrics.jsonl")), lines(directory.resolve("dynamics.jsonl")), evaluation,
                lines(directory.resolve("samples.jsonl")));
    }

    private static List<Map<String, Object>> lines(Path file) {
        List<Map<String, Object>> lines = new ArrayList<>();
        if (!Files.exists(file)) {
            return lines;
        }
        try {
            List<String> text = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < text.size(); i++) {
                if (text.get(i).isBlank()) {
                    continue;
                }
                try {
                    lines.add(JsonFiles.parseObject(text.get(i)));
                } catch (IllegalArgumentException e) {
                    throw new UserError(file + ":" + (i + 1) + ": " + e.getMessage(), e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return lines;
    }

    public String objective() {
        return String.valueOf(config.get("objective"));
    }

    /** Whether the dynamics lines hold {@code key}. */
    public boolean hasDynamics(String key) {
        return !dynamics.isEmpty() && dynamics.get(0).get(key) instanceof Number;
    }

    /** [n] the steps of the dynamics lines. */
    public double[] dynamicsSteps() {
        return column(dynamics, "step");
    }

    /** [n] one value of every dynamics line (NaN where absent). */
    public double[] dynamics(String key) {
        return column(dynamics, key);
    }

    /** [n] the steps of the metrics lines ({@code metrics.jsonl}). */
    public double[] metricSteps() {
        return column(metrics, "step");
    }

    /** [n] one value of every metrics line (NaN where absent). */
    public double[] metric(String key) {
        return column(metrics, key);
    }

    static double[] column(List<Map<String, Object>> lines, String key) {
        double[] values = new double[lines.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = lines.get(i).get(key) instanceof Number number ? number.doubleValue() : Double.NaN;
        }
        return values;
    }

    /** A number of the evaluation ({@code key} or {@code key.value}), NaN when absent. */
    public double evaluation(String key, String field) {
        if (evaluation == null) {
            return Double.NaN;
        }
        Object value = evaluation.get(key);
        if (field != null && value instanceof Map<?, ?> map) {
            value = map.get(field);
        }
        return value instanceof Number number ? number.doubleValue() : Double.NaN;
    }

    /** A config value as text. */
    public String setting(String key) {
        Object value = config.get(key);
        if (value instanceof Double number && Double.isFinite(number)) {
            return java.math.BigDecimal.valueOf(number).stripTrailingZeros().toPlainString();
        }
        return value == null ? "—" : String.valueOf(value);
    }
}
