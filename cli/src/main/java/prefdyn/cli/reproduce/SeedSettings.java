package prefdyn.cli.reproduce;

import prefdyn.cli.base.Version;
import prefdyn.cli.demo.DemoRuns;
import prefdyn.cli.demo.DemoSize;
import prefdyn.cli.run.ComponentNorms;
import prefdyn.cli.run.DataRules;
import prefdyn.cli.run.GPasses;
import prefdyn.datasets.PairRules;
import prefdyn.reference.dynamics.GradientAlignment.ComponentPasses;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What every seed of one reproduction shares: the demo's size, its runs, start model, engine, how G's component
 * gradients are computed, how each update's gradient is computed and how pairs become tokens. Two seed directories
 * belong to one reproduction only when these agree (and so does the code that ran them, see {@link SeedMerge}).
 *
 * @param size           a {@link DemoSize} name ({@code default}, {@code study} or {@code tiny})
 * @param runs           run names of {@link DemoRuns#AVAILABLE}, in report order
 * @param checkpoint     start model and frozen reference
 * @param engine         vector, reference or accelerated
 * @param passes         G's component gradients: one pass each, or by linearity
 * @param componentNorms each update as two backward passes with their norms logged
 * @param rules          how pair files become token pairs
 */
public record SeedSettings(String size, List<String> runs, String checkpoint, String engine, ComponentPasses passes,
                           boolean componentNorms, PairRules rules) {

    public SeedSettings {
        Objects.requireNonNull(size, "size");
        runs = List.copyOf(runs);
        Objects.requireNonNull(checkpoint, "checkpoint");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(passes, "passes");
        Objects.requireNonNull(rules, "rules");
    }

    /**
     * The settings a demo directory's {@code config.json} records. A config without {@code g_passes} was measured
     * with one pass per component, one without {@code component_norms} trained with two passes per update, one
     * without {@code data_rules} made its pairs by {@code prefdyn-v1} (each was written before its field existed).
     *
     * @throws IllegalArgumentException naming the field that is missing or not what prefdyn writes
     */
    static SeedSettings fromDemoConfig(Map<String, Object> config) {
        if (!(config.get("sizes") instanceof Map<?, ?> sizes) || !(sizes.get("size") instanceof String size)) {
            throw new IllegalArgumentException("field \"sizes\": expected an object with the size's name");
        }
        if (!(config.get("runs") instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
            throw new IllegalArgumentException("field \"runs\": expected a list of run names");
        }
        List<String> runs = list.stream().map(String.class::cast).toList();
        return new SeedSettings(size, runs, text(config, "checkpoint"), text(config, "engine"),
                GPasses.fromConfig(config.get(GPasses.FIELD)), ComponentNorms.fromConfig(config.get(ComponentNorms.FIELD)),
                DataRules.fromConfig(config));
    }

    private static String text(Map<String, Object> config, String field) {
        if (!(config.get(field) instanceof String value)) {
            throw new IllegalArgumentException("field \"" + field + "\": expected a string");
        }
        return value;
    }

    DemoSize sizes() {
        return DemoSize.of(size);
    }

    /**
     * The reproduction's own {@code config.json} (kind {@code reproduce}): these settings and the seeds, as the
     * findings page's header reads them. The same map whether the seeds ran here or were merged.
     */
    Map<String, Object> reproduceConfig(List<Long> seeds) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("kind", "reproduce");
        config.put("prefdyn_version", Version.get());
        config.put("seeds", List.copyOf(seeds));
        config.put("size", size);
        config.put("runs", runs);
        config.put("checkpoint", checkpoint);
        config.put("engine", engine);
        config.put(GPasses.FIELD, GPasses.name(passes));
        config.put(ComponentNorms.FIELD, componentNorms);
        DataRules.put(config, rules);
        return config;
    }

    /** The demo request that runs one seed into {@code directory}. */
    DemoRuns.Request request(Path directory, boolean force, boolean resume, long seed, int jobs, String command) {
        return new DemoRuns.Request(directory, force, resume, sizes(), seed, checkpoint, runs, jobs, engine,
                new DemoRuns.Passes(passes, componentNorms), rules, command);
    }

    /**
     * The arguments (after {@code prefdyn}) that run, reuse or resume seed {@code seed} in {@code <out>/seed-<seed>}
     * on any machine, with every setting spelled out: {@code reproduce --only-seed <seed> --out <out> ...}.
     *
     * @param jobs  runs trained side by side, or null for the machine's cores
     * @param force recompute the seed even when it finished
     */
    public List<String> seedArguments(Path out, long seed, Integer jobs, boolean force) {
        List<String> arguments = new ArrayList<>(List.of("reproduce", "--only-seed", String.valueOf(seed),
                "--out", out.toString(), "--size", size, "--runs", String.join(",", runs), "--checkpoint", checkpoint,
                "--engine", engine));
        if (passes != ComponentPasses.EVERY_COMPONENT) {
            arguments.addAll(List.of("--g-passes", GPasses.name(passes)));
        }
        if (componentNorms) {
            arguments.add(ComponentNorms.OPTION);
        }
        if (rules.kind() != PairRules.Kind.TRL) {
            arguments.addAll(List.of(DataRules.OPTION, rules.kind().cliName()));
        }
        if (jobs != null) {
            arguments.addAll(List.of("--jobs", String.valueOf(jobs)));
        }
        if (force) {
            arguments.add("--force");
        }
        return arguments;
    }

    /**
     * One shell command line that runs seed {@code seed} (see {@link #seedArguments}) from the repository root:
     * {@code ./prefdyn reproduce --only-seed <seed> ...}, every argument quoted for a POSIX shell where it needs it.
     */
    public String seedCommand(Path out, long seed, Integer jobs, boolean force) {
        return "./prefdyn " + ShellWords.join(seedArguments(out, seed, jobs, force));
    }
}
