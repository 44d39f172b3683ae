package prefdyn.bench;

import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.util.Statistics;
import prefdyn.reference.util.JsonFiles;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One JMH result, reduced to what the summary prints: the benchmark's class and method, its parameters, and the
 * per-iteration scores' median, minimum and maximum with JMH's score and 99.9% error, in {@code unit}.
 *
 * @param benchmark e.g. {@code MatmulAnchorBenchmark.ejmlForward}
 */
record Measurement(String benchmark, Map<String, String> params, double median, double min, double max,
                   double score, double error, String unit) {

    /** From a result of JMH's {@code Runner}. */
    static Measurement of(RunResult run) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String key : run.getParams().getParamsKeys()) {
            params.put(key, run.getParams().getParam(key));
        }
        Result<?> primary = run.getPrimaryResult();
        Statistics statistics = primary.getStatistics();
        return new Measurement(shortName(run.getParams().getBenchmark()), params, statistics.getPercentile(50),
                statistics.getMin(), statistics.getMax(), primary.getScore(), primary.getScoreError(),
                primary.getScoreUnit());
    }

    /** From the JSON that JMH writes with {@code -rf json -rff FILE}. */
    @SuppressWarnings("unchecked")
    static List<Measurement> fromJson(String json) {
        List<Object> runs = (List<Object>) JsonFiles.parse(json);
        return runs.stream().map(object -> {
            Map<String, Object> run = (Map<String, Object>) object;
            Map<String, String> params = new LinkedHashMap<>();
            Object given = run.get("params");
            if (given instanceof Map<?, ?> map) {
                map.forEach((key, value) -> params.put((String) key, String.valueOf(value)));
            }
            Map<String, Object> primary = (Map<String, Object>) run.get("primaryMetric");
            Map<String, Object> percentiles = (Map<String, Object>) primary.get("scorePercentiles");
            return new Measurement(shortName((String) run.get("benchmark")), params, number(percentiles.get("50.0")),
                    number(percentiles.get("0.0")), number(percentiles.get("100.0")), number(primary.get("score")),
                    number(primary.get("scoreError")), (String) primary.get("scoreUnit"));
        }).toList();
    }

    /** The benchmark's method name. */
    String method() {
        return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }

    /** The benchmark's class name. */
    String benchmarkClass() {
        return benchmark.substring(0, benchmark.lastIndexOf('.'));
    }

    /** The median in microseconds (the benchmarks report µs/op; JSON may say "us/op"). */
    double medianMicros() {
        return median * microsPerUnit();
    }

    double minMicros() {
        return min * microsPerUnit();
    }

    double maxMicros() {
        return max * microsPerUnit();
    }

    private double microsPerUnit() {
        return switch (unit) {
            case "ns/op" -> 1e-3;
            case "us/op", "µs/op" -> 1.0;
            case "ms/op" -> 1e3;
            case "s/op" -> 1e6;
            default -> throw new IllegalStateException("the summary needs time per operation, got " + unit);
        };
    }

    private static String shortName(String fullName) {
        int method = fullName.lastIndexOf('.');
        int type = fullName.lastIndexOf('.', method - 1);
        return fullName.substring(type + 1);
    }

    private static double number(Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if ("NaN".equals(value)) {
            return Double.NaN;
        }
        throw new IllegalArgumentException("not a number in JMH's JSON: " + value);
    }
}
