package prefdyn.cli.reproduce;

import prefdyn.cli.base.Progress;
import prefdyn.cli.demo.DemoRuns;
import prefdyn.cli.run.RunDirectory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * One seed of a reproduction: a complete demo directory {@code <out>/seed-<s>/} (open it with {@code prefdyn report}).
 * It is finished when its {@code config.json} and {@code report.html} are there and no {@code RUNNING} marker is; a
 * finished seed with the same settings is reused, an interrupted one continued as {@code demo --resume}.
 */
public final class SeedDirectory {

    private SeedDirectory() {
    }

    /** {@code <out>/seed-<seed>}. */
    static Path of(Path out, long seed) {
        return out.resolve("seed-" + seed);
    }

    /**
     * Whether {@code directory} holds a finished demo directory of {@code seed} with {@code settings} (written by an
     * earlier reproduce, or by {@code prefdyn demo} with the same settings). A config field that no prefdyn writes
     * means not finished with these settings.
     */
    public static boolean finished(Path directory, long seed, SeedSettings settings) {
        if (!complete(directory)) {
            return false;
        }
        Map<String, Object> config = RunDirectory.readJson(directory.resolve("config.json"));
        if (!"demo".equals(config.get("kind")) || !(config.get("seed") instanceof Number number)
                || number.longValue() != seed) {
            return false;
        }
        try {
            return SeedSettings.fromDemoConfig(config).equals(settings);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether the demo's last files are written and no command is (or was, when interrupted) still writing. */
    static boolean complete(Path directory) {
        return Files.isRegularFile(directory.resolve("config.json")) && Files.isRegularFile(directory.resolve("report.html"))
                && !Files.exists(directory.resolve(RunDirectory.MARKER));
    }

    /**
     * Makes seed {@code seed} of {@code <out>} finished: reuses it if it finished with {@code settings} (unless
     * {@code force}), continues it if it is a prefdyn directory (an interrupted seed), runs it otherwise.
     */
    static void run(Path out, long seed, SeedSettings settings, boolean force, int jobs, Progress progress)
            throws Exception {
        Path directory = of(out, seed);
        if (!force && finished(directory, seed, settings)) {
            progress.note("seed " + seed + ": reusing the finished runs in " + directory);
            return;
        }
        progress.note("seed " + seed + ": " + settings.runs().size() + " runs");
        boolean ours = Files.isRegularFile(directory.resolve(RunDirectory.MANIFEST));
        String command = "prefdyn " + ShellWords.join(settings.seedArguments(out, seed, null, false));
        DemoRuns.run(settings.request(directory, force || !ours, !force && ours, seed, jobs, command), progress);
    }
}
