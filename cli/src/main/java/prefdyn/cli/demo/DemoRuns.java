package prefdyn.cli.demo;

import prefdyn.cli.base.GitCommit;
import prefdyn.cli.base.Progress;
import prefdyn.cli.base.UserError;
import prefdyn.cli.base.Version;
import prefdyn.cli.engine.Engines;
import prefdyn.cli.evaluation.Evaluation;
import prefdyn.cli.experiment.Analysis;
import prefdyn.cli.experiment.Experiment;
import prefdyn.cli.pairs.PairSampling;
import prefdyn.cli.report.Report;
import prefdyn.cli.run.GPasses;
import prefdyn.cli.run.GroupObjectiveSettings;
import prefdyn.cli.run.Objective;
import prefdyn.cli.run.DataSettings;
import prefdyn.cli.run.DpoLossSettings;
import prefdyn.cli.run.MeasurementSettings;
import prefdyn.cli.run.ModelSettings;
import prefdyn.cli.run.RunConfig;
import prefdyn.cli.run.StepSettings;
import prefdyn.cli.run.RunDirectory;
import prefdyn.cli.task.ImdbTask;
import prefdyn.cli.run.ComponentNorms;
import prefdyn.datasets.HumanPairs;
import prefdyn.datasets.Review;
import prefdyn.datasets.PairRules;
import prefdyn.cli.run.DataRules;
import prefdyn.datasets.PairFile;
import prefdyn.datasets.PreferencePair;
import prefdyn.reference.checkpoint.LoadedCheckpoint;
import prefdyn.reference.dpo.DpoLossType;
import prefdyn.reference.dynamics.GradientAlignment.ComponentPasses;
import prefdyn.reference.util.Parallel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * One seed's worth of the demo's experiment, shared by {@code prefdyn demo} (one seed) and
 * {@code prefdyn reproduce} (one directory per seed): on-policy pairs from the start model, every selected run
 * through the two-pass G analysis with probes, win rates against the start model, and the report page.
 *
 * <p>Everything random is seeded by {@code seed}: the pairs' prompts and samples, each run's data order,
 * initialisation of the critic and sampling. A directory written by this class is a demo directory
 * ({@code config.json} of kind {@code demo}, {@code pairs/}, {@code runs/<run>/}, {@code report.html}).
 */
public final class DemoRuns {

    /** The demo's runs, in report order: what {@code demo} runs by default. */
    public static final List<String> DEMO_RUNS = List.of("dpo/standard", "dpo/positive-only", "dpo/negative-only",
            "dpo/unweighted", "ppo/standard", "ppo/positive-only");

    /** The paper's runs, in report order: what {@code reproduce} runs by default. */
    public static final List<String> PAPER_RUNS = List.of("dpo/standard", "dpo/positive-only", "dpo/negative-only",
            "dpo/unweighted", "dpo/controlled", "dpo/coordinated", "ppo/standard", "ppo/positive-only",
            "ppo/negative-only", "ppo/controlled");

    /**
     * The DPO family's other losses as demo runs, "&lt;loss&gt;/standard" by TRL's name (bpo: BPO's balanced margin):
     * DPO runs of that loss with the standard variant ({@link #lossSettings}).
     */
    public static final List<String> DPO_LOSS_RUNS = java.util.Arrays.stream(DpoLossType.values())
            .filter(type -> type != DpoLossType.SIGMOID).map(type -> type.trlName() + "/standard").toList();

    /**
     * Every run a demo directory may hold, in report order: the paper's, PPO on the tokens of one |Â| tertile of
     * each rollout batch (the paper's tertile ablation, {@code PpoObjective.singleTertile}), the group objectives'
     * and the DPO family's other losses' (the demo's default is {@link #DEMO_RUNS}).
     */
    public static final List<String> AVAILABLE = Stream.concat(Stream.of("dpo/standard",
            "dpo/positive-only", "dpo/negative-only", "dpo/unweighted", "dpo/controlled", "dpo/coordinated",
            "ppo/standard", "ppo/positive-only", "ppo/negative-only", "ppo/controlled", "ppo/top-tertile",
            "ppo/middle-tertile", "ppo/bottom-tertile", "grpo/standard", "rloo/standard"),
            DPO_LOSS_RUNS.stream()).toList();

    /** The label smoothing ε of the demo's conservative and robust runs (TRL's default 0 would make them sigmoid). */
    static final double DEMO_LABEL_SMOOTHING = 0.1;

    /**
     * What to run.
     *
     * @param out        the demo directory to write
     * @param force      replace an existing or interrupted directory
     * @param resume     continue an interrupted directory: every run already complete with the same settings is
     *                   kept, the others are computed again (each run is deterministic, so the files are the same)
     * @param sizes      steps, batches and probe sizes
     * @param seed       seed of everything
     * @param checkpoint start model and frozen reference
     * @param runs       run names from {@link #AVAILABLE}
     * @param jobs       runs trained side by side
     * @param engine     reference or accelerated
     * @param passes     the backward passes of G's components and of each training update
     * @param pairRules  how pairs are tokenized, truncated and filtered (TRL's rules or prefdyn's first ones)
     * @param command    the command line recorded in config.json
     */
    public record Request(Path out, boolean force, boolean resume, DemoSize sizes, long seed, String checkpoint,
                          List<String> runs, int jobs, String engine, Passes passes, PairRules pairRules,
                          String command) {

        public Request {
            runs = List.copyOf(runs);
            for (String run : runs) {
                if (!AVAILABLE.contains(run)) {
                    throw new UserError("unknown run '" + run + "' in --runs; expected some of "
                            + String.join(", ", AVAILABLE));
                }
            }
            if (runs.isEmpty()) {
                throw new UserError("--runs names no run");
            }
            if (jobs < 1) {
                throw new UserError("--jobs must be at least 1, got " + jobs);
            }
            Objects.requireNonNull(passes, "passes");
            Objects.requireNonNull(pairRules, "pairRules");
        }
    }

    /**
     * How the runs' gradients are taken: both are recorded in every run's and the demo's config.json.
     *
     * @param g              how G's component gradients are computed (one backward each, or by linearity)
     * @param componentNorms each update as two backward passes, positive then negative learning, with their norms
     *                       logged, instead of one of the summed seeds
     */
    public record Passes(ComponentPasses g, boolean componentNorms) {

        public Passes {
            Objects.requireNonNull(g, "g");
        }

        /** Every component its own backward, one backward per update: the defaults. */
        public static Passes defaults() {
            return new Passes(ComponentPasses.EVERY_COMPONENT, false);
        }
    }

    private DemoRuns() {
    }

    /** Runs everything {@code request} names and writes the report; returns the report file. */
    public static Path run(Request request, Progress progress) throws Exception {
        long started = System.nanoTime();
        DemoSize sizes = request.sizes();
        long seed = request.seed();
        Path out = request.out();
        Engines.requireAvailable(Engines.Kind.parse(request.engine()));
        if (request.force() && request.resume()) {
            throw new UserError("--force (start clean) and --resume (continue) exclude each other; choose one");
        }
        RunDirectory directory = request.resume() ? RunDirectory.resume(out, request.command())
                : RunDirectory.create(out, request.force(), request.command());
        Map<String, Object> top = new LinkedHashMap<>();
        top.put("kind", "demo");
        top.put("prefdyn_version", Version.get());
        top.put("commit", GitCommit.describe());
        top.put("command", request.command());
        top.put("seed", seed);
        top.put("checkpoint", request.checkpoint());
        top.put("engine", request.engine());
        top.put(GPasses.FIELD, GPasses.name(request.passes().g()));
        top.put(ComponentNorms.FIELD, request.passes().componentNorms());
        DataRules.put(top, request.pairRules());
        top.put("jobs", request.jobs());
        top.put("machine", Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.arch")
                + ", Java " + System.getProperty("java.version"));
        top.put("runs", request.runs());
        top.put("sizes", sizes.toJson());
        top.put("size_note", "Size '" + sizes.name() + "': " + sizes.dpo().steps() + " DPO steps of " + sizes.dpo().batch()
                + " pairs and " + sizes.ppo().steps() + " PPO steps of " + sizes.ppo().batch() + " prompts"
                + groupNote(request) + " from a small start model, win rates over " + sizes.evaluation().prompts()
                + " prompts. " + sizePurpose(sizes.name()));
        RunDirectory.writeJson(directory.resolve("config.json"), top);

        progress.note("loading the start model (" + request.checkpoint() + ") and the IMDb sample; training the NB "
                + "reward");
        LoadedCheckpoint start = Engines.load(request.checkpoint());
        ImdbTask task = ImdbTask.get();
        Map<String, Object> timing = new LinkedHashMap<>();

        ExecutorService executor = Executors.newFixedThreadPool(request.jobs());
        try {
            // 1. Pairs: k samples per prompt from the SFT model, best vs worst by the NB reward (on-policy), or the
            //    continuations of one opening by a positive and a negative review (human).
            long t0 = System.nanoTime();
            boolean human = sizes.pairs().source() == DemoSize.Source.HUMAN;
            List<PreferencePair> trainPairs = human
                    ? humanPairs(task.split().halfA(), start, sizes.pairs().trainPrompts(), seed)
                    : PairSampling.pairs(executor, start, task.trainingPrompts(sizes.pairs().trainPrompts(), seed),
                            sizes.pairs().candidates(), task, seed, progress, "pairs  on-policy, train (half A)");
            // The start model's evaluation samples (shared by every run's win rate), beside the held-out pairs.
            List<RunConfig> configs = new ArrayList<>();
            for (String name : request.runs()) {
                configs.add(config(request, name));
            }
            Future<Evaluation.Samples> baselineFuture = executor.submit(() -> {
                try (Parallel parallel = new Parallel(1);
                     Experiment first = new Experiment(configs.get(0).withoutPairs(), runDirectory(out, configs.get(0)),
                             parallel)) {
                    Progress.Stage stage = progress.stage("start model  evaluation samples", 1);
                    Evaluation.Samples samples = Evaluation.sample(first.startEngine(), first.tokenizer(), first.evalPrompts(),
                            sizes.evaluation().tokens(), task);
                    stage.done();
                    return samples;
                }
            });
            List<PreferencePair> heldoutPairs = human
                    ? humanPairs(task.split().halfB(), start, sizes.pairs().heldoutPrompts(), seed + 1_000)
                    : PairSampling.pairs(executor, start,
                            task.evaluationPrompts(sizes.pairs().heldoutPrompts(), seed + 1),
                            sizes.pairs().candidates(), task, seed + 1_000, progress, "pairs  on-policy, held-out (half B)");
            if (trainPairs.isEmpty()) {
                throw new UserError(human ? "the sample holds no human pair for this start model's context"
                        : "no on-policy pair had a strict preference; try another --seed");
            }
            PairFile.write(directory.resolve("pairs").resolve("train.jsonl"), trainPairs);
            if (!heldoutPairs.isEmpty()) {
                PairFile.write(directory.resolve("pairs").resolve("heldout.jsonl"), heldoutPairs);
            } else {
                configs.replaceAll(RunConfig::withoutHeldoutPairs);
            }
            progress.note(trainPairs.size() + " training pairs, " + heldoutPairs.size() + " held-out pairs");
            Evaluation.Samples baseline = baselineFuture.get();
            timing.put("pairs_s", seconds(t0));

            // 2. Every run through the two-pass analysis, side by side; the on-policy ones (the slowest) first.
            long t2 = System.nanoTime();
            List<RunConfig> order = new ArrayList<>(configs);
            order.sort((a, b) -> Boolean.compare(!a.objective().isOnPolicy(), !b.objective().isOnPolicy()));
            int threadsPerJob = Math.max(1, Runtime.getRuntime().availableProcessors() / request.jobs());
            List<Future<?>> futures = new ArrayList<>();
            for (RunConfig config : order) {
                Path existing = runDirectory(out, config);
                if (request.resume() && complete(existing, config.toJson(threadsPerJob))) {
                    progress.note(config.name() + ": complete with the same settings, kept");
                    continue;
                }
                futures.add(executor.submit(() -> {
                    Path runDirectory = runDirectory(out, config);
                    try (Parallel parallel = new Parallel(threadsPerJob);
                         Experiment experiment = new Experiment(config, runDirectory, parallel)) {
                        RunDirectory.writeJson(runDirectory.resolve("config.json"),
                                Experiment.configJson(config, threadsPerJob, experiment));
                        experiment.pairSummaries().forEach(progress::note);
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
        return report;
    }

    /** Whether a run's analysis finished (its last file, dynamics.jsonl, is there) with these settings. */
    static boolean complete(Path runDirectory, Map<String, Object> settings) {
        Path config = runDirectory.resolve("config.json");
        return Files.isRegularFile(runDirectory.resolve("dynamics.jsonl")) && Files.isRegularFile(config)
                && RunConfig.differingSetting(RunDirectory.readJson(config), settings) == null;
    }

    private static Path runDirectory(Path out, RunConfig config) {
        return out.resolve("runs").resolve(Report.fileName(config.name()));
    }

    /** The group objectives' part of the size note, when the request runs one. */
    private static String groupNote(Request request) {
        boolean any = request.runs().stream().anyMatch(name -> Objective.parse(objectiveName(name)).isGroup());
        DemoSize.Group group = request.sizes().group();
        return any ? ", " + group.steps().steps() + " GRPO/RLOO steps of " + group.steps().batch() + " completions ("
                + group.numGenerations() + " per prompt)" : "";
    }

    /** The objective of a run name: its first part, or dpo for a DPO loss's run ({@link #DPO_LOSS_RUNS}). */
    private static String objectiveName(String runName) {
        return DPO_LOSS_RUNS.contains(runName) ? "dpo" : runName.substring(0, runName.indexOf('/'));
    }

    /**
     * The DPO loss of a demo run at the demo's β: sigmoid for the dpo/… runs, the named loss with its defaults for a
     * {@link #DPO_LOSS_RUNS} run (conservative and robust with ε = {@value #DEMO_LABEL_SMOOTHING}).
     */
    static DpoLossSettings lossSettings(String runName, double beta) {
        if (!DPO_LOSS_RUNS.contains(runName)) {
            return DpoLossSettings.sigmoid(beta);
        }
        DpoLossType type = DpoLossType.parse(runName.substring(0, runName.indexOf('/')));
        boolean smoothed = type == DpoLossType.CONSERVATIVE || type == DpoLossType.ROBUST;
        return new DpoLossSettings(type, beta, smoothed ? DEMO_LABEL_SMOOTHING : 0.0);
    }

    /** What a size is for, the last sentence of a seed's size note. */
    static String sizePurpose(String sizeName) {
        return sizeName.equals(DemoSize.STUDY.name())
                ? "The study's size: one seed shows the dynamics; the claims are decided across seeds by reproduce's "
                + "findings page."
                : "Enough to see the dynamics, too small to decide the paper's claims; reproduce --size study runs the "
                + "experiment sized for them.";
    }

    /** The settings of one run of the demo: objective and variant from its name, everything else from the sizes. */
    static RunConfig config(Request request, String name) {
        DemoSize sizes = request.sizes();
        Objective objective = Objective.parse(objectiveName(name));
        String variant = name.substring(name.indexOf('/') + 1);
        DemoSize.Steps steps = switch (objective) {
            case PPO -> sizes.ppo();
            case GRPO, RLOO -> sizes.group().steps();
            default -> sizes.dpo();
        };
        GroupObjectiveSettings defaults = GroupObjectiveSettings.defaults(objective);
        GroupObjectiveSettings group = new GroupObjectiveSettings(sizes.group().numGenerations(), defaults.lossType(),
                defaults.scaleRewards(), defaults.klBeta(), defaults.epsilon(), defaults.epsilonHigh(),
                defaults.numIterations(), false, false);
        DemoSize.Probes probes = sizes.probes();
        return new RunConfig(name, objective, variant,
                new ModelSettings(request.checkpoint(), request.engine()),
                new StepSettings(request.seed(), steps.steps(), steps.batch(), steps.learningRate(),
                        request.passes().componentNorms()),
                new DataSettings("../../pairs/train.jsonl", "../../pairs/heldout.jsonl", sizes.ppoPrompts(),
                        request.seed(), request.pairRules()),
                lossSettings(name, sizes.beta()), sizes.ppoRollout(),
                new MeasurementSettings(steps.measureEvery(), request.passes().g(), probes.finalPrompts(),
                        probes.finalTokens(), probes.probePrompts(), probes.probeTokens(), probes.probePairs()),
                sizes.evaluation(), group);
    }

    /**
     * At most {@code most} human pairs of {@code reviews} (HumanPairs: the default opening of three words, each
     * continuation cut to 3/4 of the start model's context in its own tokens), in HumanPairs' seeded order.
     */
    static List<PreferencePair> humanPairs(List<Review> reviews, LoadedCheckpoint start, int most, long seed) {
        List<PreferencePair> all = HumanPairs.build(reviews, start.tokenizer(), HumanPairs.DEFAULT_PREFIX_WORDS,
                HumanPairs.budgetFor(start.config().contextLength()), seed);
        return List.copyOf(all.subList(0, Math.min(most, all.size())));
    }

    public static double seconds(long since) {
        return Math.round((System.nanoTime() - since) / 1e8) / 10.0;
    }
}
