package prefdyn.cli.reproduce;

import prefdyn.cli.base.Progress;
import prefdyn.cli.base.UserError;
import prefdyn.cli.demo.DemoRuns;
import prefdyn.cli.engine.Engines;
import prefdyn.cli.findings.Findings;
import prefdyn.cli.run.RunDirectory;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * {@code prefdyn reproduce}: the demo's experiment over several seeds, then every claim of the paper put to a
 * measured test across those seeds ({@link Findings}), in one of four ways ({@link Mode}):
 *
 * <ul>
 *   <li>{@link Mode#ALL}: every seed here, one after the other, then the findings;</li>
 *   <li>{@link Mode#PLAN}: prepares {@code <out>} and prints one self-contained command line per seed (a
 *       {@link Mode#ONLY_SEED} run with every setting spelled out), for GNU parallel, a SLURM job array or any
 *       other scheduler;</li>
 *   <li>{@link Mode#ONLY_SEED}: one seed's directory {@code <out>/seed-<s>/}, reused when it finished with the same
 *       settings and continued when interrupted, so a planned line can be run again after a failure; it leaves the
 *       rest of {@code <out>} alone, so seeds run side by side;</li>
 *   <li>{@link Mode#MERGE}: finished seed directories from anywhere ({@link SeedMerge}: same settings and code,
 *       finished, distinct seeds), then the findings.</li>
 * </ul>
 *
 * The findings of a merge are byte for byte those {@link Mode#ALL} writes for the same seeds (on the same day):
 * each seed is deterministic, and the findings read only the seed directories and {@link SeedSettings}.
 */
public final class Reproduction {

    /** What {@code reproduce} does. */
    public enum Mode { ALL, PLAN, ONLY_SEED, MERGE }

    /**
     * One invocation.
     *
     * @param mode     what to do
     * @param out      the reproduction's directory (seed directories {@code seed-<s>} and the findings)
     * @param findings where to write the findings page (Markdown); null: {@code <out>/findings.md}
     * @param force    recompute seeds even where they finished (ALL, PLAN's lines, ONLY_SEED)
     * @param seeds    the seeds (ALL, PLAN) or the one seed (ONLY_SEED); empty for MERGE
     * @param settings what every seed shares; null for MERGE (the seed directories say)
     * @param jobs     runs trained side by side, or null for the machine's cores
     * @param merge    the seed directories to merge (MERGE only)
     */
    public record Request(Mode mode, Path out, Path findings, boolean force, List<Long> seeds, SeedSettings settings,
                          Integer jobs, List<Path> merge) {

        public Request {
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(out, "out");
            seeds = List.copyOf(seeds);
            merge = List.copyOf(merge);
            if (mode != Mode.MERGE) {
                Objects.requireNonNull(settings, "settings");
                if (seeds.isEmpty()) {
                    throw new UserError("--seeds must be at least 1, got 0");
                }
            }
        }
    }

    private Reproduction() {
    }

    /** Does what {@code request} asks, printing results (and, unless {@code quiet}, progress) to {@code stdout}. */
    public static void run(Request request, PrintWriter stdout, boolean quiet) throws Exception {
        long started = System.nanoTime();
        Progress progress = new Progress(stdout, quiet);
        switch (request.mode()) {
            case PLAN -> plan(request, stdout);
            case ONLY_SEED -> {
                check(request);
                long seed = request.seeds().get(0);
                SeedDirectory.run(request.out(), seed, request.settings(), request.force(), jobs(request), progress);
                stdout.printf(Locale.ROOT, "seed %d finished in %.0f s: %s%n", seed, DemoRuns.seconds(started),
                        SeedDirectory.of(request.out(), seed));
            }
            case ALL -> {
                check(request);
                RunDirectory top = openTop(request.out(), request.force());
                Map<String, Object> config = request.settings().reproduceConfig(request.seeds());
                RunDirectory.writeJson(top.resolve("config.json"), config);
                List<Path> directories = new ArrayList<>();
                for (long seed : request.seeds()) {
                    SeedDirectory.run(request.out(), seed, request.settings(), request.force(), jobs(request), progress);
                    directories.add(SeedDirectory.of(request.out(), seed));
                }
                findings(request, top, directories, config, progress, stdout, started);
            }
            case MERGE -> {
                SeedMerge merged = SeedMerge.of(request.merge());
                List<RunDirectory> held = new ArrayList<>();
                for (Path directory : merged.directories()) {
                    // Held while the findings read it, so no seed is rewritten meanwhile (the lock refuses, naming it).
                    held.add(RunDirectory.existing(directory, false, "prefdyn reproduce --merge", false));
                }
                progress.note("merging " + merged.seeds().size() + " finished seeds " + merged.seeds());
                RunDirectory top = openTop(request.out(), false);
                Map<String, Object> config = merged.settings().reproduceConfig(merged.seeds());
                RunDirectory.writeJson(top.resolve("config.json"), config);
                findings(request, top, merged.directories(), config, progress, stdout, started);
                held.forEach(RunDirectory::finish);
            }
        }
    }

    /**
     * Checks the settings, prepares {@code <out>} (its config.json records them, so the seeds' directories can be
     * merged into it), then prints one command line per seed and nothing else.
     */
    private static void plan(Request request, PrintWriter stdout) {
        validate(request);
        RunDirectory top = openTop(request.out(), false);
        RunDirectory.writeJson(top.resolve("config.json"), request.settings().reproduceConfig(request.seeds()));
        top.finish();
        for (long seed : request.seeds()) {
            stdout.println(request.settings().seedCommand(request.out(), seed, request.jobs(), request.force()));
        }
        stdout.flush();
    }

    /** Every setting checked before anything is written (DemoRuns.Request validates runs and jobs). */
    private static void validate(Request request) {
        Engines.Kind.parse(request.settings().engine());
        request.settings().request(request.out(), request.force(), false, request.seeds().get(0),
                request.jobs() == null ? 1 : request.jobs(), "check");
    }

    /** {@link #validate}, and the engine is available on this machine. */
    private static void check(Request request) {
        validate(request);
        Engines.requireAvailable(Engines.Kind.parse(request.settings().engine()));
    }

    private static int jobs(Request request) {
        return request.jobs() == null ? Runtime.getRuntime().availableProcessors() : request.jobs();
    }

    private static void findings(Request request, RunDirectory top, List<Path> directories, Map<String, Object> config,
                                 Progress progress, PrintWriter stdout, long started) {
        Path findingsFile = request.findings() != null ? request.findings() : request.out().resolve("findings.md");
        progress.note("testing the claims across " + directories.size() + " seeds; writing " + findingsFile);
        Findings.Written written = Findings.write(directories, findingsFile, config);
        top.finish();
        for (Findings.Verdict verdict : written.verdicts()) {
            stdout.printf(Locale.ROOT, "claim %s: %s%n", verdict.claim(), verdict.word());
        }
        stdout.printf(Locale.ROOT, "reproduce finished in %.0f s; findings: %s and %s%n", DemoRuns.seconds(started),
                written.markdown().toAbsolutePath().normalize().toUri(),
                written.html().toAbsolutePath().normalize().toUri());
    }

    /**
     * The top directory: created, or reopened if it holds an earlier reproduction (or a plan) and its seed
     * directories, whose finished seeds are kept.
     */
    private static RunDirectory openTop(Path out, boolean force) {
        String command = "prefdyn reproduce --out " + out;
        if (!force && Files.isDirectory(out) && holdsOnlyReproduction(out)) {
            return RunDirectory.existing(out, true, command, true);
        }
        return RunDirectory.create(out, force, command);
    }

    /** Whether every entry of {@code directory} is something reproduce writes (seed-N, findings, images, ...). */
    private static boolean holdsOnlyReproduction(Path directory) {
        Path config = directory.resolve("config.json");
        if (Files.exists(config) && !"reproduce".equals(RunDirectory.readJson(config).get("kind"))) {
            return false;
        }
        try (var entries = Files.list(directory)) {
            return entries.map(entry -> entry.getFileName().toString())
                    .allMatch(name -> name.matches("seed-\\d+|config\\.json|findings\\.(md|html)|images|"
                            + RunDirectory.MARKER + "|" + RunDirectory.MANIFEST + "|\\" + RunDirectory.LOCK));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory + ": " + e.getMessage(), e);
        }
    }
}
