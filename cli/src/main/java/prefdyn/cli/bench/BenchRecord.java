package prefdyn.cli.bench;

import prefdyn.cli.base.GitCommit;
import prefdyn.cli.base.Version;
import prefdyn.cli.bench.StepBenchmark.Item;
import prefdyn.cli.bench.StepBenchmark.Run;
import prefdyn.cli.bench.StepBenchmark.Timing;
import prefdyn.cli.engine.Engines;
import prefdyn.reference.model.FlopCount;
import prefdyn.reference.model.GptConfig;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON line {@code prefdyn bench --record} appends to {@code docs/perf-history.jsonl} ({@link PerfHistory}):
 * date, commit, machine, settings and every median, with the run's ratios.
 */
final class BenchRecord {

    private BenchRecord() {
    }

    /**
     * The line of this run: when, which commit (and whether the tree was dirty), the machine, the accelerator
     * ({@code device}, null without the twin), the settings, every timing of every run, and {@code ratios}.
     */
    static Map<String, Object> line(BenchSettings options, StepBenchmark.Settings settings, Map<String, Object> machine,
                                    String device, List<Run> runs, Map<String, Object> ratios) {
        GptConfig config = settings.config();
        String checkpoint = options.checkpoint();
        String size = options.size();
        Map<String, Object> line = new LinkedHashMap<>();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        line.put("date", now.atZone(ZoneOffset.UTC).toLocalDate().toString());
        line.put("time", now.toString());
        line.put("commit", GitCommit.head());
        line.put("dirty", GitCommit.dirty());
        line.put("prefdyn_version", Version.get());
        line.put("machine", machine);
        line.put("accelerator", device);
        Map<String, Object> settingsJson = new LinkedHashMap<>();
        settingsJson.put("model", checkpoint == null ? "seeded-init" + (size == null ? "" : " " + size) : checkpoint);
        settingsJson.put("C", config.channels());
        settingsJson.put("L", config.numLayers());
        settingsJson.put("H", config.numHeads());
        settingsJson.put("T", config.contextLength());
        settingsJson.put("V", config.vocabSize());
        settingsJson.put("matrix_parameters", FlopCount.matrixParameters(config));
        settingsJson.put("batch", settings.batch());
        settingsJson.put("repeats", settings.repeats());
        settingsJson.put("warm_ups_at_least", StepBenchmark.WARM_UPS);
        settingsJson.put("warm_up_seconds_at_least", settings.warmUpSeconds());
        settingsJson.put("threads", runs.stream().filter(run -> run.kind() == Engines.Kind.REFERENCE)
                .map(Run::threads).toList());
        settingsJson.put("engine", options.kind().name().toLowerCase(Locale.ROOT));
        settingsJson.put("ppo", Map.of("prompt_tokens", settings.promptLength(), "response_tokens",
                settings.ppoResponseLength(), "epochs", StepBenchmark.PPO_EPOCHS, "minibatches",
                settings.ppoMiniBatches()));
        settingsJson.put("final_prompts", settings.finalPrompts());
        settingsJson.put("final_tokens", settings.finalResponseLength());
        settingsJson.put("items", settings.items().stream().map(item -> item.shortName).toList());
        line.put("settings", settingsJson);
        Map<String, Object> results = new LinkedHashMap<>();
        for (Run run : runs) {
            Map<String, Object> items = new LinkedHashMap<>();
            for (Item item : Item.values()) {
                Timing timing = run.timings().get(item);
                if (timing == null) {
                    continue;
                }
                Map<String, Object> values = new LinkedHashMap<>();
                values.put("median_ms", timing.medianSeconds() * 1e3);
                values.put("min_ms", timing.minSeconds() * 1e3);
                values.put("max_ms", timing.maxSeconds() * 1e3);
                values.put("tokens_per_step", timing.meanTokens());
                values.put("tokens_per_s", timing.tokensPerSecond());
                values.put("gflop_per_s", timing.gflopsPerSecond());
                values.put("launches_per_step", run.kind() == Engines.Kind.ACCELERATED ? timing.meanLaunches() : null);
                items.put(item.label, values);
            }
            results.put(run.label(), items);
        }
        line.put("results", results);
        line.put("ratios", ratios);
        return line;
    }
}
