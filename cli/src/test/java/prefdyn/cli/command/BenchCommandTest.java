package prefdyn.cli.command;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prefdyn.accelerated.kernels.OpenClDevices;
import prefdyn.cli.bench.PerfHistory;
import prefdyn.reference.util.JsonFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code prefdyn bench} at a tiny size: the structure of what it prints and records, and that its derived figures
 * (ratios, tokens/s, G cost over step cost) are the stated functions of its own medians. Nothing here is about
 * speed.
 */
class BenchCommandTest {

    private static final List<String> ITEMS = List.of("forward+backward", "SFT step", "DPO step",
            "DPO step, 2 passes", "PPO step", "PPO step, 2 passes", "G at a DPO step", "G linear, DPO step", "G at a PPO step", "G linear, PPO step");

    @TempDir
    Path dir;

    /** One printed table row: median, min, max (ms), tokens/step, tokens/s, GFLOP/s, launches/step (NaN for "-"). */
    record Row(double median, double min, double max, double tokens, double tokensPerSecond, double gflops,
               double launches) {
    }

    /** engine label → item label → row, from the fixed-width table. */
    static Map<String, Map<String, Row>> table(String out) {
        Map<String, Map<String, Row>> rows = new LinkedHashMap<>();
        for (String line : out.lines().toList()) {
            String item = line.length() > 18 && !line.startsWith(" ") ? line.substring(0, 18).strip() : "";
            if (!ITEMS.contains(item)) {
                continue;
            }
            String engine = line.substring(19, 43).strip();
            String[] fields = line.substring(43).strip().split("\\s+");
            String[] spread = fields[1].split("-");
            rows.computeIfAbsent(engine, key -> new LinkedHashMap<>()).put(item, new Row(
                    Double.parseDouble(fields[0]), Double.parseDouble(spread[0]), Double.parseDouble(spread[1]),
                    Double.parseDouble(fields[2]), Double.parseDouble(fields[3]), Double.parseDouble(fields[4]),
                    fields[5].equals("-") ? Double.NaN : Double.parseDouble(fields[5])));
        }
        return rows;
    }

    private static String[] args(Path checkpoint, String... more) {
        String[] base = {"bench", "--checkpoint", checkpoint.toString(), "--batch", "2", "--repeats", "1",
                "--final-prompts", "2", "--final-tokens", "4", "--warm-up-seconds", "0"};
        return TrainAnalyzeReportTest.concat(base, more);
    }

    @Test
    void everyItemIsTimedOnBothThreadCountsAndItsDerivedFiguresFollowFromTheMedians() throws IOException {
        Path checkpoint = Cli.smallCheckpoint(dir.resolve("model"));
        Path history = dir.resolve("perf-history.jsonl");
        Cli.Result result = Cli.run(args(checkpoint, "--threads", "2", "--record=" + history));
        assertThat(result.code()).as(result.err()).isZero();
        String out = result.out();

        Map<String, Map<String, Row>> table = table(out);
        assertThat(table.keySet()).containsExactly("reference threads=1", "reference threads=2");
        for (Map<String, Row> rows : table.values()) {
            assertThat(rows.keySet()).containsExactlyElementsOf(ITEMS);
            for (Row row : rows.values()) {
                assertThat(row.min()).isLessThanOrEqualTo(row.median());
                assertThat(row.median()).isLessThanOrEqualTo(row.max());
                assertThat(row.tokensPerSecond()).isCloseTo(row.tokens() / (row.median() / 1e3),
                        within(0.01 * row.tokensPerSecond() + 0.1));
                assertThat(row.gflops()).isPositive();
                assertThat(row.launches()).as("the reference launches no kernels").isNaN();
            }
            // T = 64, B = 2: B·T tokens, DPO 2B·T rows; G forwards D' (2 × (16 + 4)) and D_t
            assertThat(rows.get("forward+backward").tokens()).isEqualTo(128.0);
            assertThat(rows.get("SFT step").tokens()).isEqualTo(128.0);
            assertThat(rows.get("DPO step").tokens()).isEqualTo(256.0);
            assertThat(rows.get("DPO step, 2 passes").tokens()).isEqualTo(256.0);
            // the second backward pass is metered work: more FLOPs per step (GFLOP/s × median time)
            assertThat(rows.get("DPO step, 2 passes").gflops() * rows.get("DPO step, 2 passes").median())
                    .isGreaterThan(1.2 * rows.get("DPO step").gflops() * rows.get("DPO step").median());
            assertThat(rows.get("PPO step, 2 passes").tokens()).isBetween(2 * 17.0, 2 * 48.0);
            assertThat(rows.get("G at a DPO step").tokens()).isEqualTo(40.0 + 256.0);
            assertThat(rows.get("G linear, DPO step").tokens()).isEqualTo(40.0 + 256.0);
            assertThat(rows.get("PPO step").tokens()).isBetween(2 * 17.0, 2 * 48.0);
            assertThat(rows.get("G at a PPO step").tokens()).isBetween(40.0 + 2 * 17.0, 40.0 + 2 * 48.0);
            assertThat(rows.get("G linear, PPO step").tokens()).isEqualTo(rows.get("G at a PPO step").tokens());
        }

        // the printed ratios are the ratios of the printed medians (up to their rounding)
        Matcher threads = Pattern.compile("reference threads=1 / reference threads=2:(.*)").matcher(out);
        assertThat(threads.find()).as(out).isTrue();
        Map<String, Double> speedups = labelledNumbers(threads.group(1));
        assertThat(speedups.keySet()).containsExactlyElementsOf(ITEMS);
        for (String item : ITEMS) {
            double expected = table.get("reference threads=1").get(item).median()
                    / table.get("reference threads=2").get(item).median();
            assertThat(speedups.get(item)).as(item).isCloseTo(expected, within(2e-3 * expected + 1e-3));
        }
        for (String engine : table.keySet()) {
            Matcher overhead = Pattern.compile(Pattern.quote(engine) + "\\s+G at a DPO step / DPO step = ([0-9.]+) "
                    + "\\((meets|misses) the goal\\); G at a PPO step / PPO step = ([0-9.]+) \\((meets|misses) the goal\\)")
                    .matcher(out);
            assertThat(overhead.find()).as(out).isTrue();
            Map<String, Row> rows = table.get(engine);
            double dpo = rows.get("G at a DPO step").median() / rows.get("DPO step").median();
            double ppo = rows.get("G at a PPO step").median() / rows.get("PPO step").median();
            assertThat(Double.parseDouble(overhead.group(1))).isCloseTo(dpo, within(2e-3 * dpo + 1e-3));
            assertThat(overhead.group(2)).isEqualTo(Double.parseDouble(overhead.group(1)) <= 3 ? "meets" : "misses");
            assertThat(Double.parseDouble(overhead.group(3))).isCloseTo(ppo, within(2e-3 * ppo + 1e-3));
            Matcher linear = Pattern.compile(Pattern.quote(engine) + "\\s+G at a DPO step.*; G linear, DPO step / DPO step = "
                    + "([0-9.]+) \\((meets|misses) the goal\\); G linear, PPO step / PPO step = ([0-9.]+) \\((meets|misses) "
                    + "the goal\\); G linear, DPO step / G at a DPO step = ([0-9.]+); G linear, PPO step / G at a PPO step = "
                    + "([0-9.]+)$", Pattern.MULTILINE).matcher(out);
            assertThat(linear.find()).as(out).isTrue();
            double dpoLinear = rows.get("G linear, DPO step").median() / rows.get("DPO step").median();
            double ppoLinear = rows.get("G linear, PPO step").median() / rows.get("PPO step").median();
            double dpoSaving = rows.get("G linear, DPO step").median() / rows.get("G at a DPO step").median();
            assertThat(Double.parseDouble(linear.group(1))).isCloseTo(dpoLinear, within(2e-3 * dpoLinear + 1e-3));
            assertThat(Double.parseDouble(linear.group(3))).isCloseTo(ppoLinear, within(2e-3 * ppoLinear + 1e-3));
            assertThat(Double.parseDouble(linear.group(5))).isCloseTo(dpoSaving, within(2e-3 * dpoSaving + 1e-3));
            Matcher passes = Pattern.compile(Pattern.quote(engine) + "\\s+DPO step, 2 passes / DPO step = ([0-9.]+); "
                    + "PPO step, 2 passes / PPO step = ([0-9.]+)$", Pattern.MULTILINE).matcher(out);
            assertThat(passes.find()).as(out).isTrue();
            double dpoPasses = rows.get("DPO step, 2 passes").median() / rows.get("DPO step").median();
            double ppoPasses = rows.get("PPO step, 2 passes").median() / rows.get("PPO step").median();
            assertThat(Double.parseDouble(passes.group(1))).isCloseTo(dpoPasses, within(2e-3 * dpoPasses + 1e-3));
            assertThat(Double.parseDouble(passes.group(2))).isCloseTo(ppoPasses, within(2e-3 * ppoPasses + 1e-3));
        }

        // the record: one line, every key, medians as printed, ratios exactly the quotients of its medians
        List<String> lines = Files.readAllLines(history);
        assertThat(lines).hasSize(1);
        Map<String, Object> record = JsonFiles.parseObject(lines.get(0));
        assertThat(record).containsKeys("date", "time", "commit", "dirty", "machine", "accelerator", "settings",
                "results", "ratios");
        assertThat((String) record.get("commit")).matches("[0-9a-f]{40}|unknown");
        assertThat((String) record.get("date")).matches("\\d{4}-\\d{2}-\\d{2}");
        assertThat(map(record, "machine")).containsKeys("cpu", "processors", "os", "java", "load_average");
        assertThat(map(record, "settings")).containsEntry("batch", 2L).containsEntry("C", 16L).containsEntry("L", 1L);
        Map<String, Object> results = map(record, "results");
        assertThat(results.keySet()).containsExactly("reference threads=1", "reference threads=2");
        for (String engine : results.keySet()) {
            Map<String, Object> items = map(results, engine);
            assertThat(items.keySet()).containsExactlyElementsOf(ITEMS);
            for (String item : ITEMS) {
                Map<String, Object> values = map(items, item);
                assertThat(values).containsKeys("median_ms", "min_ms", "max_ms", "tokens_per_step", "tokens_per_s",
                        "gflop_per_s", "launches_per_step");
                assertThat(number(values, "median_ms")).isCloseTo(table.get(engine).get(item).median(), within(1e-3));
            }
        }
        Map<String, Object> ratios = map(map(record, "ratios"), "reference_threads_1_over_threads_2");
        for (String item : ITEMS) {
            double expected = number(map(map(results, "reference threads=1"), item), "median_ms")
                    / number(map(map(results, "reference threads=2"), item), "median_ms");
            assertThat(number(ratios, item)).isCloseTo(expected, within(1e-12 * expected));
        }
        Map<String, Object> overhead = map(map(map(record, "ratios"), "g_over_step"), "reference threads=2");
        Map<String, Object> best = map(results, "reference threads=2");
        assertThat(number(overhead, "g_dpo_over_dpo_step")).isCloseTo(number(map(best, "G at a DPO step"), "median_ms")
                / number(map(best, "DPO step"), "median_ms"), within(1e-12));
        assertThat(number(overhead, "g_ppo_linear_over_ppo_step")).isCloseTo(
                number(map(best, "G linear, PPO step"), "median_ms") / number(map(best, "PPO step"), "median_ms"),
                within(1e-12));
        assertThat(number(overhead, "g_dpo_linear_over_g_dpo")).isCloseTo(
                number(map(best, "G linear, DPO step"), "median_ms") / number(map(best, "G at a DPO step"), "median_ms"),
                within(1e-12));
        Map<String, Object> passes = map(map(map(record, "ratios"), "two_passes_over_one"), "reference threads=2");
        assertThat(number(passes, "dpo_split_over_dpo_step")).isCloseTo(
                number(map(best, "DPO step, 2 passes"), "median_ms") / number(map(best, "DPO step"), "median_ms"),
                within(1e-12));

        Cli.Result again = Cli.run(args(checkpoint, "--threads", "1", "--record=" + history));
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains("threads=1").doesNotContain("threads=2").doesNotContain(" / reference");
        assertThat(Files.readAllLines(history)).hasSize(2).allSatisfy(line -> JsonFiles.parseObject(line));
    }

    @Test
    void theTwinReportsItsKernelLaunchesAndTheirKnownCountForAForwardAndBackward() throws IOException {
        Assumptions.assumeTrue(OpenClDevices.available(),
                "skipped: no OpenCL device (apt-get install pocl-opencl-icd gives one on the CPU)");
        Path checkpoint = Cli.smallCheckpoint(dir.resolve("model"));
        Path history = dir.resolve("perf-history.jsonl");
        Cli.Result result = Cli.run(args(checkpoint, "--threads", "1", "--engine", "accelerated", "--record=" + history));
        assertThat(result.code()).as(result.err()).isZero();
        Map<String, Map<String, Row>> table = table(result.out());
        assertThat(table.keySet()).containsExactly("reference threads=1", "twin (float32 OpenCL)");
        Map<String, Row> twin = table.get("twin (float32 OpenCL)");
        // zero the gradient (1), forward (7L + 7), backward (9L + 7), with L = 1
        assertThat(twin.get("forward+backward").launches()).isEqualTo(31.0);
        for (String item : ITEMS) {
            assertThat(twin.get(item).launches()).as(item).isGreaterThan(0.0);
        }
        assertThat(result.out()).contains("accelerated device: OpenCL").contains("reference threads=1 / twin");
        Map<String, Object> record = JsonFiles.parseObject(Files.readAllLines(history).get(0));
        assertThat((String) record.get("accelerator")).startsWith("OpenCL");
        Map<String, Object> results = map(record, "results");
        assertThat(number(map(map(results, "twin (float32 OpenCL)"), "forward+backward"), "launches_per_step"))
                .isEqualTo(31.0);
        assertThat(map(map(results, "reference threads=1"), "forward+backward")).containsEntry("launches_per_step", null);
        assertThat(result.out()).contains("one launch of a one-item kernel costs");
        Map<String, Object> launches = map(map(record, "ratios"), "twin_launches");
        assertThat(number(launches, "launch_us")).isPositive();
        assertThat(map(launches, "launch_time_over_step_time").keySet()).containsExactlyElementsOf(ITEMS);
    }

    @Test
    void theHistoryGetsOneCompleteLinePerRecordEvenAfterAFileWithoutAFinalNewline() throws IOException {
        Path history = dir.resolve("sub").resolve("history.jsonl");
        PerfHistory.append(history, Map.of("a", 1));
        Files.writeString(history, "{\"b\":2}", java.nio.file.StandardOpenOption.APPEND);
        PerfHistory.append(history, Map.of("c", 3));
        assertThat(Files.readAllLines(history)).containsExactly("{\"a\":1}", "{\"b\":2}", "{\"c\":3}");
    }

    @Test
    void itemsSelectsWhatIsTimedPrintedAndRecorded() throws IOException {
        Path checkpoint = Cli.smallCheckpoint(dir.resolve("model"));
        Path history = dir.resolve("perf-history.jsonl");
        Cli.Result result = Cli.run(args(checkpoint, "--threads", "1", "--items", "dpo,g-dpo", "--record=" + history));
        assertThat(result.code()).as(result.err()).isZero();
        Map<String, Map<String, Row>> table = table(result.out());
        assertThat(table.get("reference threads=1").keySet()).containsExactly("DPO step", "G at a DPO step");
        Matcher overhead = Pattern.compile("reference threads=1\\s+G at a DPO step / DPO step = ([0-9.]+) "
                + "\\((meets|misses) the goal\\)$", Pattern.MULTILINE).matcher(result.out());
        assertThat(overhead.find()).as(result.out()).isTrue();
        Map<String, Object> record = JsonFiles.parseObject(Files.readAllLines(history).get(0));
        assertThat(map(record, "settings").get("items")).isEqualTo(List.of("dpo", "g-dpo"));
        assertThat(map(map(record, "results"), "reference threads=1").keySet())
                .containsExactly("DPO step", "G at a DPO step");
        assertThat(map(map(map(record, "ratios"), "g_over_step"), "reference threads=1").keySet())
                .containsExactly("g_dpo_over_dpo_step");

        CliParsingTest.assertUserError(Cli.run(args(checkpoint, "--items", "dpo,warp")), 1,
                "unknown bench item 'warp' in --items dpo,warp; expected a comma-separated list of fb, sft, dpo, "
                        + "dpo-split, ppo, ppo-split, g-dpo, g-dpo-linear, g-ppo, g-ppo-linear, or all");
    }

    @Test
    void aBatchOfOneIsRefusedWithOneLine() throws IOException {
        Path checkpoint = Cli.smallCheckpoint(dir.resolve("model"));
        CliParsingTest.assertUserError(Cli.run("bench", "--checkpoint", checkpoint.toString(), "--batch", "1"), 1,
                "--batch must be at least 2");
    }

    private static Map<String, Double> labelledNumbers(String text) {
        Map<String, Double> values = new LinkedHashMap<>();
        for (String part : text.split(";")) {
            String trimmed = part.strip();
            int space = trimmed.lastIndexOf(' ');
            values.put(trimmed.substring(0, space), Double.parseDouble(trimmed.substring(space + 1)));
        }
        return values;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        assertThat(parent).containsKey(key);
        return (Map<String, Object>) parent.get(key);
    }

    private static double number(Map<String, Object> values, String key) {
        return ((Number) values.get(key)).doubleValue();
    }
}
