package prefdyn.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import prefdyn.datasets.OnPolicyPairs;
import prefdyn.datasets.PairFile;
import prefdyn.datasets.PreferencePair;
import prefdyn.datasets.Reward;
import prefdyn.reference.checkpoint.LoadedCheckpoint;
import prefdyn.reference.dpo.DpoLossType;
import prefdyn.reference.util.Parallel;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code prefdyn demo}, the main job: from the committed SFT checkpoint and the IMDb sample, on-policy pairs, DPO
 * and PPO with their main ablations (short and seeded), each through the two-pass G analysis with probes, win
 * rates against the SFT model, and a report.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the paper's analysis on IMDb in minutes and write a report: on-policy pairs from the SFT "
                + "model, DPO (standard, positive-only, negative-only, unweighted) and PPO (standard, positive-only), "
                + "G(t) with its positive/negative and tertile split against the final responses, likelihood "
                + "displacement, reward and KL, win rates against the SFT model with 95%% intervals.",
                "The default size takes under five minutes on two cores; it is a demonstration, not a full run."})
public final class DemoCommand implements Callable<Integer> {

    /** The demo's runs, in report order. */
    public static final List<String> RUNS = List.of("dpo/standard", "dpo/positive-only", "dpo/negative-only",
            "dpo/unweighted", "ppo/standard", "ppo/positive-only");

    /** Prompts per chunk of on-policy pair generation (chunks run in parallel; each is seeded by its index). */
    static final int PAIR_CHUNK = 8;

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--out", defaultValue = "runs/demo", paramLabel = "DIR",
            description = "Run directory to write. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--force", description = "Replace an existing or interrupted demo directory.")
    boolean force;

    @Option(names = "--size", defaultValue = "default",
            description = "default (under 5 minutes on 2 cores) or tiny (seconds; for tests). Default: ${DEFAULT-VALUE}.")
    String size;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of everything. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--checkpoint", defaultValue = Engines.COMMITTED_SFT, paramLabel = "DIR",
            description = "Start model and reference. Default: the committed IMDb SFT model (${DEFAULT-VALUE}).")
    String checkpoint;

    @Option(names = "--runs", split = ",", paramLabel = "RUN",
            description = "Only these runs (comma-separated), from: dpo/standard, dpo/positive-only, dpo/negative-only, "
                    + "dpo/unweighted, ppo/standard, ppo/positive-only. Default: all.")
    List<String> runs;

    @Option(names = "--jobs", description = "Runs trained side by side. Default: the number of cores.")
    Integer jobs;

    @Option(names = "--engine", defaultValue = "reference",
            description = "reference (float64) or accelerated (float32 OpenCL twin). Default: ${DEFAULT-VALUE}.")
    String engine;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        long started = System.nanoTime();
        DemoSize sizes = DemoSize.of(size);
        Engines.requireAvailable(Engines.Kind.parse(engine));
        List<String> selected = runs == null || runs.isEmpty() ? RUNS : runs;
        for (String run : selected) {
            if (!RUNS.contains(run)) {
                throw new UserError("unknown run '" + run + "' in --runs; expected some of " + String.join(", ", RUNS));
            }
        }
        int parallelJobs = jobs == null ? Runtime.getRuntime().availableProcessors() : jobs;
        if (parallelJobs < 1) {
            throw new UserError("--jobs must be at least 1, got " + parallelJobs);
        }
        Progress progress = new Progress(stdout, common.quiet);
        RunDirectory directory = RunDirectory.create(out, force, "prefdyn demo --size " + size);
        Map<String, Object> top = new LinkedHashMap<>();
        top.put("kind", "demo");
        top.put("prefdyn_version", Version.get());
        top.put("command", "prefdyn demo --size " + size + " --seed " + seed);
        top.put("seed", seed);
        top.put("checkpoint", checkpoint);
        top.put("engine", engine);
        top.put("jobs", parallelJobs);
        top.put("machine", Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.arch")
                + ", Java " + System.getProperty("java.version"));
        top.put("runs", selected);
        top.put("sizes", sizes.toJson());
        top.put("size_note", "Size '" + sizes.name() + "': " + sizes.dpoSteps() + " DPO steps of " + sizes.dpoBatch()
                + " pairs and " + sizes.ppoSteps() + " PPO steps of " + sizes.ppoBatch() + " prompts from a tiny "
                + "byte-level model, win rates over " + sizes.evalPrompts() + " prompts. Enough to see the dynamics, "
                + "far too small for conclusions; see the README for full runs.");
        RunDirectory.writeJson(directory.resolve("config.json"), top);

        progress.note("loading the start model (" + checkpoint + ") and the IMDb sample; training the NB reward");
        LoadedCheckpoint start = Engines.load(checkpoint);
        ImdbTask task = ImdbTask.get();
        Map<String, Object> timing = new LinkedHashMap<>();

        ExecutorService executor = Executors.newFixedThreadPool(parallelJobs);
        try {
            // 1. On-policy pairs: k samples per prompt from the SFT model, best vs worst by the NB reward.
            long t0 = System.nanoTime();
            List<PreferencePair> trainPairs = pairs(executor, start, task.trainingPrompts(sizes.pairPrompts(), seed),
                    sizes.candidates(), task, seed, progress, "pairs  on-policy, train (half A)");
            // The start model's evaluation samples (shared by every run's win rate), beside the held-out pairs.
            List<RunConfig> configs = new ArrayList<>();
            for (String name : selected) {
                configs.add(config(name, sizes, false));
            }
            Future<Evaluation.Samples> baselineFuture = executor.submit(() -> {
                try (Parallel parallel = new Parallel(1);
                     Experiment first = new Experiment(configs.get(0).withoutPairs(), runDirectory(configs.get(0)),
                             parallel)) {
                    Progress.Stage stage = progress.stage("start model  evaluation samples", 1);
                    Evaluation.Samples samples = Evaluation.sample(first.startEngine(), first.evalPrompts(),
                            sizes.evalTokens(), task);
                    stage.done();
                    return samples;
                }
            });
            List<PreferencePair> heldoutPairs = pairs(executor, start,
                    task.evaluationPrompts(sizes.heldoutPrompts(), seed + 1), sizes.candidates(), task, seed + 1_000,
                    progress, "pairs  on-policy, held-out (half B)");
            if (trainPairs.isEmpty()) {
                throw new UserError("no on-policy pair had a strict preference; try another --seed");
            }
            writePairs(directory.resolve("pairs").resolve("train.jsonl"), trainPairs);
            if (!heldoutPairs.isEmpty()) {
                writePairs(directory.resolve("pairs").resolve("heldout.jsonl"), heldoutPairs);
            } else {
                configs.replaceAll(RunConfig::withoutHeldoutPairs);
            }
            progress.note(trainPairs.size() + " training pairs, " + heldoutPairs.size() + " held-out pairs");
            Evaluation.Samples baseline = baselineFuture.get();
            timing.put("pairs_s", seconds(t0));

            // 3. Every run through the two-pass analysis, side by side; PPO (the slowest) first.
            long t2 = System.nanoTime();
            List<RunConfig> order = new ArrayList<>(configs);
            order.sort((a, b) -> Boolean.compare(a.objective() != Objective.PPO, b.objective() != Objective.PPO));
            int threadsPerJob = Math.max(1, Runtime.getRuntime().availableProcessors() / parallelJobs);
            List<Future<?>> futures = new ArrayList<>();
            for (RunConfig config : order) {
                futures.add(executor.submit(() -> {
                    Path runDirectory = runDirectory(config);
                    RunDirectory.writeJson(runDirectory.resolve("config.json"), config.toJson(threadsPerJob));
                    try (Parallel parallel = new Parallel(threadsPerJob);
                         Experiment experiment = new Experiment(config, runDirectory, parallel)) {
                        Analysis.run(experiment, runDirectory, true, null, baseline, progress,
                                String.format(Locale.ROOT, "%-18s", config.name()));
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    for (Future<?> other : futures) {
                        other.cancel(true);
                    }
                    throw e;
                }
            }
            timing.put("runs_s", seconds(t2));
        } finally {
            executor.shutdownNow();
        }

        long t3 = System.nanoTime();
        progress.note("writing the report");
        timing.put("total_before_report_s", seconds(started));
        top.put("timing", timing);
        RunDirectory.writeJson(directory.resolve("config.json"), top);
        Path report = Report.write(out);
        timing.put("report_s", seconds(t3));
        timing.put("total_s", seconds(started));
        RunDirectory.writeJson(directory.resolve("config.json"), top);
        directory.finish();

        printSummary(stdout, Report.loadRuns(out));
        stdout.printf(Locale.ROOT, "demo finished in %.0f s; report: %s%n", seconds(started),
                report.toAbsolutePath().normalize().toUri());
        return Main.EXIT_OK;
    }

    private Path runDirectory(RunConfig config) {
        return out.resolve("runs").resolve(Report.fileName(config.name()));
    }

    private RunConfig config(String name, DemoSize sizes, boolean noHeldout) { // noHeldout: no held-out pair file
        boolean ppo = name.startsWith("ppo/");
        String variant = name.substring(name.indexOf('/') + 1);
        return new RunConfig(name, ppo ? Objective.PPO : Objective.DPO, variant, DpoLossType.SIGMOID, sizes.beta(), seed,
                ppo ? sizes.ppoSteps() : sizes.dpoSteps(), ppo ? sizes.ppoBatch() : sizes.dpoBatch(),
                ppo ? sizes.ppoLr() : sizes.dpoLr(), checkpoint, "../../pairs/train.jsonl",
                noHeldout ? null : "../../pairs/heldout.jsonl", sizes.ppoEpochs(), sizes.ppoMiniBatches(),
                sizes.responseTokens(), sizes.klCoef(), sizes.ppoPrompts(),
                ppo ? sizes.ppoMeasureEvery() : sizes.dpoMeasureEvery(), sizes.finalPrompts(), sizes.finalTokens(),
                sizes.probePrompts(), sizes.probeTokens(), sizes.probePairs(), sizes.evalPrompts(), sizes.evalTokens(),
                seed, engine);
    }

    /** On-policy pairs in chunks of {@value #PAIR_CHUNK} prompts, generated in parallel, seeded per chunk. */
    static List<PreferencePair> pairs(ExecutorService executor, LoadedCheckpoint start, List<String> prompts,
                                      int candidates, ImdbTask task, long seed, Progress progress, String label)
            throws InterruptedException, ExecutionException {
        int chunks = (prompts.size() + PAIR_CHUNK - 1) / PAIR_CHUNK;
        Progress.Stage stage = progress.stage(label, chunks);
        List<Future<List<PreferencePair>>> futures = new ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        for (int c = 0; c < chunks; c++) {
            List<String> chunk = prompts.subList(c * PAIR_CHUNK, Math.min(prompts.size(), (c + 1) * PAIR_CHUNK));
            long chunkSeed = seed * 1_000_003L + c;
            futures.add(executor.submit(() -> {
                try (Parallel parallel = new Parallel(1)) {
                    List<PreferencePair> pairs = OnPolicyPairs.generate(Engines.engine(start, parallel), chunk,
                            candidates, Reward.ofFullText(task::reward), chunkSeed);
                    stage.accept(done.incrementAndGet());
                    return pairs;
                }
            }));
        }
        List<PreferencePair> pairs = new ArrayList<>();
        for (Future<List<PreferencePair>> future : futures) {
            pairs.addAll(future.get());
        }
        stage.done();
        return pairs;
    }

    private static void writePairs(Path file, List<PreferencePair> pairs) throws IOException {
        PairFile.write(file, pairs);
    }

    private static double seconds(long since) {
        return Math.round((System.nanoTime() - since) / 1e8) / 10.0;
    }

    static void printSummary(PrintWriter out, List<RunData> runs) {
        out.printf("%-20s %-26s %-9s %-10s %-12s%n", "run", "win rate [95% CI]", "KL", "mean G", "steps G>0");
        for (RunData run : runs) {
            double[] g = run.dynamics("G/total");
            int positive = 0;
            for (double value : g) {
                positive += value > 0 ? 1 : 0;
            }
            out.printf(Locale.ROOT, "%-20s %-26s %-9s %-10s %d/%d%n", run.name(),
                    Report.Html.number(run.evaluation("win_rate", "value")) + " ["
                            + Report.Html.number(run.evaluation("win_rate", "lower")) + ", "
                            + Report.Html.number(run.evaluation("win_rate", "upper")) + "]",
                    Report.Html.number(run.evaluation("kl", null)), Report.Html.number(Report.mean(g)), positive,
                    g.length);
        }
        out.flush();
    }
}
