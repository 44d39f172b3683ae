package prefdyn.cli.command;

import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import prefdyn.cli.base.Progress;
import prefdyn.cli.base.UserError;
import prefdyn.cli.base.Version;
import prefdyn.cli.demo.DemoRuns;
import prefdyn.cli.demo.DemoSize;
import prefdyn.cli.engine.Engines;
import prefdyn.cli.findings.Findings;
import prefdyn.cli.run.GPasses;
import prefdyn.cli.run.RunDirectory;
import prefdyn.cli.run.ComponentNorms;
import prefdyn.cli.run.DataRules;
import prefdyn.datasets.PairRules;
import prefdyn.reference.dynamics.GradientAlignment.ComponentPasses;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code prefdyn reproduce}: the demo's experiment over several seeds, then every claim of the paper put to a
 * measured test across those seeds ({@link Findings}): statistic, 95% interval across seeds, plots and verdict,
 * written as {@code findings.md} and {@code findings.html}.
 *
 * <p>Each seed is a complete demo directory {@code <out>/seed-<s>/} (open it with {@code prefdyn report}). A seed
 * directory that finished with the same settings is reused, so an interrupted reproduction picks up where it
 * stopped and {@code --findings} can be re-rendered without training; {@code --force} starts every seed afresh.
 */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
        description = {"Run DPO and PPO with their ablations over several seeds on IMDb and test each of the paper's "
                + "claims across seeds: statistic, 95%% interval, plots and a verdict (supported, not supported, "
                + "mixed), written to findings.md and findings.html.",
                "Default: 5 seeds x 10 runs at the demo's default size; --size tiny with two seeds and two runs is a "
                + "pipeline check of about a minute."})
public final class ReproduceCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--out", defaultValue = "runs/reproduce", paramLabel = "DIR",
            description = "Directory of the seed runs and the findings. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--findings", paramLabel = "FILE",
            description = "Where to write the findings page (Markdown; its plots go to images/findings/ beside it). "
                    + "Default: <out>/findings.md. The repository's copy is docs/findings.md.")
    Path findings;

    @Option(names = "--force", description = "Recompute every seed even where a finished seed directory exists.")
    boolean force;

    @Option(names = "--seeds", defaultValue = "5", description = "Number of seeds (at least 2 for an interval). "
            + "Default: ${DEFAULT-VALUE}.")
    int seeds;

    @Option(names = "--first-seed", defaultValue = "1", description = "Seeds are first-seed, first-seed+1, ... "
            + "Default: ${DEFAULT-VALUE}.")
    long firstSeed;

    @Option(names = "--size", defaultValue = "default",
            description = "Sizes of each seed's runs: default (the demo's) or tiny (seconds; a pipeline check). "
                    + "Default: ${DEFAULT-VALUE}.")
    String size;

    @Option(names = "--runs", split = ",", paramLabel = "RUN",
            description = "Runs per seed (comma-separated). Default: all of dpo/standard, dpo/positive-only, "
                    + "dpo/negative-only, dpo/unweighted, dpo/controlled, dpo/coordinated, ppo/standard, "
                    + "ppo/positive-only, ppo/negative-only, ppo/controlled; grpo/standard and rloo/standard may be "
                    + "added. Claims whose runs are missing are reported as not tested.")
    List<String> runs;

    @Option(names = "--checkpoint", paramLabel = "DIR",
            description = "Start model and reference. Default: the size's committed model (default: committed-start, "
                    + "the BPE start model that writes English; tiny: committed-sft, the byte-level model).")
    String checkpoint;

    @Option(names = "--jobs", description = "Runs trained side by side. Default: the number of cores.")
    Integer jobs;

    @Option(names = "--engine", defaultValue = "vector",
            description = "vector (float32 Vector API, CPU; about 3x faster than the reference here), reference "
                    + "(the float64 reference) or accelerated (float32 OpenCL twin). Default: ${DEFAULT-VALUE}.")
    String engine;

    @Option(names = "--g-passes", defaultValue = GPasses.EVERY, paramLabel = "every|linear",
            description = GPasses.DESCRIPTION + " A finished seed is reused only if it was measured the same way.")
    String gPasses;

    @Option(names = ComponentNorms.OPTION, description = ComponentNorms.DESCRIPTION
            + " A finished seed is reused only if it was trained the same way.")
    boolean componentNorms;

    @Option(names = DataRules.OPTION, defaultValue = "trl", paramLabel = "trl|prefdyn-v1",
            description = DataRules.DESCRIPTION + " A finished seed is reused only if its pairs were made the same way.")
    String dataRules;

    @Override
    public Integer call() throws Exception {
        if (checkpoint == null) {
            checkpoint = DemoSize.of(size).startModel();
        }
        PrintWriter stdout = spec.commandLine().getOut();
        long started = System.nanoTime();
        if (seeds < 1) {
            throw new UserError("--seeds must be at least 1, got " + seeds);
        }
        DemoSize sizes = DemoSize.of(size);
        List<String> selected = runs == null || runs.isEmpty() ? DemoRuns.PAPER_RUNS : runs;
        int parallelJobs = jobs == null ? Runtime.getRuntime().availableProcessors() : jobs;
        // Checks every setting before anything is written (DemoRuns.Request validates runs and jobs).
        ComponentPasses passes = GPasses.parse(gPasses);
        PairRules rules = DataRules.parse(dataRules) == PairRules.Kind.TRL ? PairRules.trl() : PairRules.prefdynV1();
        new DemoRuns.Request(out, force, false, sizes, firstSeed, checkpoint, selected, parallelJobs, engine, passes,
                componentNorms, rules, "check");
        Engines.requireAvailable(Engines.Kind.parse(engine));
        Progress progress = new Progress(stdout, common.quiet);

        RunDirectory top = openTop();
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("kind", "reproduce");
        config.put("prefdyn_version", Version.get());
        config.put("seeds", seedList());
        config.put("size", size);
        config.put("runs", selected);
        config.put("checkpoint", checkpoint);
        config.put("engine", engine);
        config.put(GPasses.FIELD, GPasses.name(passes));
        config.put(ComponentNorms.FIELD, componentNorms);
        DataRules.put(config, rules);
        RunDirectory.writeJson(top.resolve("config.json"), config);

        List<Path> seedDirectories = new ArrayList<>();
        for (long seed : seedList()) {
            Path directory = out.resolve("seed-" + seed);
            seedDirectories.add(directory);
            String command = "prefdyn reproduce --size " + size + " --seed " + seed + " --runs "
                    + String.join(",", selected) + " --checkpoint " + checkpoint + " --engine " + engine
                    + (passes == ComponentPasses.EVERY_COMPONENT ? "" : " --g-passes " + GPasses.name(passes))
                    + ComponentNorms.commandSuffix(componentNorms) + DataRules.commandSuffix(rules);
            if (!force && finished(directory, seed, selected, size, checkpoint, engine, passes, componentNorms)
                    && DataRules.fromConfig(RunDirectory.readJson(directory.resolve("config.json"))).equals(rules)) {
                progress.note("seed " + seed + ": reusing the finished runs in " + directory);
                continue;
            }
            progress.note("seed " + seed + ": " + selected.size() + " runs");
            boolean ours = Files.isRegularFile(directory.resolve(RunDirectory.MANIFEST));
            DemoRuns.run(new DemoRuns.Request(directory, force || !ours, !force && ours, sizes, seed, checkpoint,
                    selected, parallelJobs, engine, passes, componentNorms, rules, command), progress);
        }

        Path findingsFile = findings != null ? findings : out.resolve("findings.md");
        progress.note("testing the claims across " + seedDirectories.size() + " seeds; writing " + findingsFile);
        Findings.Written written = Findings.write(seedDirectories, findingsFile, config);
        top.finish();
        for (Findings.Verdict verdict : written.verdicts()) {
            stdout.printf(Locale.ROOT, "claim %s: %s%n", verdict.claim(), verdict.word());
        }
        stdout.printf(Locale.ROOT, "reproduce finished in %.0f s; findings: %s and %s%n", DemoRuns.seconds(started),
                written.markdown().toAbsolutePath().normalize().toUri(),
                written.html().toAbsolutePath().normalize().toUri());
        return ExitCode.OK;
    }

    private List<Long> seedList() {
        List<Long> list = new ArrayList<>();
        for (int i = 0; i < seeds; i++) {
            list.add(firstSeed + i);
        }
        return list;
    }

    /**
     * The top directory: created, or reopened if it holds an earlier reproduction or only seed directories (whose
     * finished seeds are kept).
     */
    private RunDirectory openTop() {
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
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot list " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether {@code directory} holds a finished demo directory with the same seed, runs, sizes, start model, engine
     * way of computing G's gradients and of the training steps' (written by an earlier reproduce, or by
     * {@code prefdyn demo} with the same settings). A demo config without {@code g_passes} was written before the
     * field existed, with one backward pass per component: it matches {@code every}; one without
     * {@code component_norms} was trained with two backward passes per update: it matches {@code --component-norms}.
     */
    static boolean finished(Path directory, long seed, List<String> runs, String size, String checkpoint,
                            String engine, ComponentPasses passes, boolean componentNorms) {
        if (!Files.exists(directory.resolve("config.json")) || !Files.exists(directory.resolve("report.html"))
                || Files.exists(directory.resolve(RunDirectory.MARKER))) {
            return false;
        }
        Map<String, Object> config = RunDirectory.readJson(directory.resolve("config.json"));
        return "demo".equals(config.get("kind")) && config.get("seed") instanceof Number number
                && number.longValue() == seed && runs.equals(config.get("runs"))
                && checkpoint.equals(config.get("checkpoint")) && engine.equals(config.get("engine"))
                && config.get("sizes") instanceof Map<?, ?> sizes && size.equals(sizes.get("size"))
                && passes == recordedPasses(config) && Boolean.valueOf(componentNorms).equals(recordedNorms(config));
    }

    /** The component-norms choice a demo config records (absent: true); null for a value no prefdyn writes. */
    private static Boolean recordedNorms(Map<String, Object> config) {
        try {
            return ComponentNorms.fromConfig(config.get(ComponentNorms.FIELD));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The G passes a demo config records (absent: every); null for a value no prefdyn writes. */
    private static ComponentPasses recordedPasses(Map<String, Object> config) {
        try {
            return GPasses.fromConfig(config.get(GPasses.FIELD));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
