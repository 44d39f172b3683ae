package prefdyn.cli.reproduce;

import prefdyn.cli.base.FileProblems;
import prefdyn.cli.base.UserError;
import prefdyn.cli.run.ComponentNorms;
import prefdyn.cli.run.DataRules;
import prefdyn.cli.run.GPasses;
import prefdyn.cli.run.RunDirectory;
import prefdyn.reference.util.JsonFiles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The seed directories of one reproduction that ran apart (one {@code reproduce --only-seed} per machine, or any
 * finished {@code prefdyn demo} directories), checked to belong together before their findings are rendered: each
 * must be a finished demo directory, and all must agree on every field of {@link #comparedFields} (the settings of
 * {@link SeedSettings}, every size of the demo, the prefdyn version and the git commit that ran it) and hold
 * different seeds. A refusal is one line naming the directory and the field.
 *
 * @param settings    the settings the seeds share
 * @param seeds       their seeds, ascending
 * @param directories their directories, in the order of {@code seeds}
 */
record SeedMerge(SeedSettings settings, List<Long> seeds, List<Path> directories) {

    /** One seed directory as read: its seed and the fields compared across seeds. */
    private record Seed(Path directory, long seed, SeedSettings settings, Map<String, Object> compared) {
    }

    /**
     * Reads and checks {@code directories}.
     *
     * @throws UserError naming the first directory that is missing, unfinished, not a demo directory, differs from
     *                   the first in a setting or the code that ran it, or repeats a seed
     */
    static SeedMerge of(List<Path> directories) {
        if (directories.isEmpty()) {
            throw new UserError("--merge names no seed directory");
        }
        List<Seed> seeds = new ArrayList<>();
        for (Path directory : directories) {
            Seed seed = read(directory);
            if (!seeds.isEmpty()) {
                Seed first = seeds.get(0);
                String field = firstDifference(first.compared(), seed.compared());
                if (field != null) {
                    throw new UserError(directory + ": field \"" + field + "\" is " + shown(seed.compared().get(field))
                            + " but " + first.directory() + " has " + shown(first.compared().get(field))
                            + "; merge only seeds run with the same settings and code");
                }
            }
            for (Seed other : seeds) {
                if (other.seed() == seed.seed()) {
                    throw new UserError(directory + ": seed " + seed.seed() + " again (also in " + other.directory()
                            + "); merge each seed once");
                }
            }
            seeds.add(seed);
        }
        seeds.sort(Comparator.comparingLong(Seed::seed));
        return new SeedMerge(seeds.get(0).settings(), seeds.stream().map(Seed::seed).toList(),
                seeds.stream().map(Seed::directory).toList());
    }

    private static Seed read(Path directory) {
        FileProblems.requireReadableDirectory(directory, "seed directory");
        Path configFile = directory.resolve("config.json");
        if (!Files.isRegularFile(configFile)) {
            throw new UserError(directory + ": not a seed directory (no config.json); expected a finished demo "
                    + "directory such as <out>/seed-<s>");
        }
        Map<String, Object> config = RunDirectory.readJson(configFile);
        if (!"demo".equals(config.get("kind"))) {
            throw new UserError(configFile + ": field \"kind\" is " + shown(config.get("kind")) + "; expected a seed's "
                    + "demo directory (kind \"demo\")");
        }
        if (!(config.get("seed") instanceof Long seed)) {
            throw new UserError(configFile + ": field \"seed\": expected an integer, got " + shown(config.get("seed")));
        }
        if (!SeedDirectory.complete(directory)) {
            throw new UserError(directory + ": seed " + seed + " has not finished ("
                    + (Files.exists(directory.resolve(RunDirectory.MARKER)) ? RunDirectory.MARKER + " marker present"
                    : "no report.html") + "); finish it with its planned command (it continues an interrupted seed), "
                    + "then merge again");
        }
        try {
            return new Seed(directory, seed, SeedSettings.fromDemoConfig(config), comparedFields(config));
        } catch (IllegalArgumentException e) {
            throw new UserError(configFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * The fields of a demo config that seeds of one reproduction share, absent ones read as {@link SeedSettings}
     * reads them: {@code prefdyn_version}, {@code commit}, {@code runs}, {@code checkpoint}, {@code engine},
     * {@code g_passes}, {@code component_norms}, {@code data_rules} (with TRL's length fields) and each entry of
     * {@code sizes} as {@code sizes.<name>}.
     */
    static Map<String, Object> comparedFields(Map<String, Object> config) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("prefdyn_version", config.get("prefdyn_version"));
        fields.put("commit", config.get("commit"));
        fields.put("runs", config.get("runs"));
        fields.put("checkpoint", config.get("checkpoint"));
        fields.put("engine", config.get("engine"));
        fields.put(GPasses.FIELD, GPasses.name(GPasses.fromConfig(config.get(GPasses.FIELD))));
        fields.put(ComponentNorms.FIELD, ComponentNorms.fromConfig(config.get(ComponentNorms.FIELD)));
        DataRules.put(fields, DataRules.fromConfig(config));
        if (config.get("sizes") instanceof Map<?, ?> sizes) {
            for (Map.Entry<?, ?> entry : sizes.entrySet()) {
                fields.put("sizes." + entry.getKey(), entry.getValue());
            }
        }
        return fields;
    }

    /** The first field (in {@code a}'s order, then {@code b}'s) whose values differ; null when none does. */
    static String firstDifference(Map<String, Object> a, Map<String, Object> b) {
        Set<String> names = new LinkedHashSet<>(a.keySet());
        names.addAll(b.keySet());
        for (String name : names) {
            if (!java.util.Objects.equals(a.get(name), b.get(name))) {
                return name;
            }
        }
        return null;
    }

    private static String shown(Object value) {
        return value == null ? "absent" : JsonFiles.write(value);
    }
}
