package prefdyn.cli.experiment;

import prefdyn.cli.base.FileProblems;
import prefdyn.cli.base.TextFiles;
import prefdyn.cli.base.UserError;
import prefdyn.cli.engine.Engines;
import prefdyn.cli.run.Objective;
import prefdyn.cli.run.RunConfig;
import prefdyn.cli.task.ImdbTask;
import prefdyn.datasets.MalformedLineException;
import prefdyn.datasets.PairEncoder;
import prefdyn.datasets.PairRules;
import prefdyn.datasets.PairFile;
import prefdyn.datasets.PreferencePair;
import prefdyn.datasets.TrainImdbSft;
import prefdyn.reference.checkpoint.LoadedCheckpoint;
import prefdyn.reference.data.PromptResponse;
import prefdyn.reference.dpo.CoordinationController;
import prefdyn.reference.dpo.DpoSettings;
import prefdyn.reference.dpo.DpoTrainer;
import prefdyn.reference.dpo.DpoVariant;
import prefdyn.reference.dpo.PreferenceExample;
import prefdyn.reference.dpo.ReferenceLogProbs;
import prefdyn.reference.dynamics.DecomposedObjective;
import prefdyn.reference.dynamics.DynamicsRun;
import prefdyn.reference.dynamics.GradientAlignment;
import prefdyn.reference.dynamics.PairLikelihoodProbe;
import prefdyn.reference.dynamics.Probe;
import prefdyn.reference.dynamics.SampleProbe;
import prefdyn.reference.engine.PolicyEngine;
import prefdyn.reference.grpo.GrpoTrainer;
import prefdyn.reference.grpo.RlooTrainer;
import prefdyn.reference.ppo.PpoConfig;
import prefdyn.reference.ppo.PpoTrainer;
import prefdyn.reference.ppo.RewardFunction;
import prefdyn.reference.sampling.SamplingSettings;
import prefdyn.reference.sft.SftTrainer;
import prefdyn.reference.train.Trainer;
import prefdyn.reference.train.TrainingSettings;
import prefdyn.reference.tokenizer.Tokenizer;
import prefdyn.reference.util.Parallel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one run needs, built from its {@link RunConfig}: the start checkpoint (also the frozen reference),
 * the data, fresh trainers (each call gives an identical one, which is what the two-pass replay of
 * {@link DynamicsRun} needs), the probes and the settings of D′.
 */
public final class Experiment implements AutoCloseable {

    /** Sampling seed of the sample probe: the same random numbers at every measured step. */
    public static final long PROBE_SEED = 7;

    private final RunConfig config;
    private final Path runDirectory;
    private final Parallel parallel;
    private final LoadedCheckpoint start;
    private final ImdbTask task;
    private final Tokenizer tokenizer;
    private final List<PreferenceExample> trainPairs;
    private final List<PreferenceExample> heldoutPairs;
    private final Map<String, Object> pairCounts = new LinkedHashMap<>();
    private final List<String> pairSummaries = new ArrayList<>();
    private final List<int[]> ppoPrompts;
    private final List<String> heldoutPromptTexts;
    private ReferenceLogProbs trainReference;
    private ReferenceLogProbs heldoutReference;
    private PolicyEngine frozenReference;
    private final Engines.Kind kind;
    private final List<PolicyEngine> opened = new ArrayList<>();

    public Experiment(RunConfig config, Path runDirectory, Parallel parallel) {
        this.config = config;
        this.runDirectory = runDirectory;
        this.parallel = parallel;
        this.kind = Engines.Kind.parse(config.model().engine());
        Engines.requireAvailable(kind);
        this.start = Engines.load(config.model().checkpoint());
        this.task = ImdbTask.get();
        this.tokenizer = start.tokenizer();
        this.trainPairs = config.data().pairs() == null ? List.of() : readExamples(config.data().pairs(), "pairs", "pairs");
        this.heldoutPairs = config.data().heldoutPairs() == null ? List.of() : readExamples(config.data().heldoutPairs(), "held-out pairs", "heldout_pairs");
        if (config.objective() == Objective.DPO && trainPairs.isEmpty()) {
            throw new UserError("the pairs file " + config.data().pairs() + " holds no usable pair");
        }
        this.ppoPrompts = config.objective().isOnPolicy()
                ? ImdbTask.tokens(task.trainingPrompts(config.data().trainPrompts(), config.data().dataSeed()),
                tokenizer, start.config().contextLength()) : List.of();
        int heldout = Math.max(config.measurement().finalPrompts(), Math.max(config.measurement().probePrompts(), config.evaluation().prompts()));
        this.heldoutPromptTexts = task.evaluationPrompts(heldout, config.data().dataSeed());
    }

    public RunConfig config() {
        return config;
    }

    /**
     * A run's {@code config.json}: {@link RunConfig#toJson} and, under {@code pair_data}, what the data rules did to
     * its pair files ({@link #pairCounts}).
     */
    public static Map<String, Object> configJson(RunConfig config, int threads, Experiment experiment) {
        Map<String, Object> json = config.toJson(threads);
        if (!experiment.pairCounts().isEmpty()) {
            json.put("pair_data", experiment.pairCounts());
        }
        return json;
    }

    public LoadedCheckpoint start() {
        return start;
    }

    public ImdbTask task() {
        return task;
    }

    public Parallel parallel() {
        return parallel;
    }

    public List<PreferenceExample> trainPairs() {
        return trainPairs;
    }

    /** The start model's tokenizer: every prompt, pair, sample and text of the run goes through it. */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /**
     * What the data rules did to each pair file ({@link PairEncoder.Counts}), by file ({@code pairs},
     * {@code heldout_pairs}), with the rules' name: the {@code pair_data} object of the run's config.json.
     */
    public Map<String, Object> pairCounts() {
        return pairCounts;
    }

    /** The same counts as lines for the run's log, one per pair file. */
    public List<String> pairSummaries() {
        return pairSummaries;
    }

    /**
     * Reads a TRL pair file as token pairs for a model with {@code tokenizer} and context {@code contextLength} by
     * {@code rules}, with one-line errors for a missing or malformed file.
     */
    public static PairEncoder.Result readPairFile(Path file, Tokenizer tokenizer, int contextLength,
                                                  PairRules rules) {
        try {
            return PairEncoder.encode(readTextPairs(file), tokenizer, contextLength, rules);
        } catch (IllegalArgumentException e) {
            throw new UserError("pairs file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a TRL pair file as text pairs, with one-line errors for a missing or malformed file. */
    public static List<PreferencePair> readTextPairs(Path file) {
        FileProblems.requireReadableFile(file, "pairs file");
        TextFiles.noticeBom(file);
        try {
            return PairFile.read(file);
        } catch (MalformedLineException e) {
            throw new UserError(e.getMessage(), e);
        } catch (NoSuchFileException e) {
            throw new UserError("pairs file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new UserError(FileProblems.describe("cannot read pairs file " + file, e), e);
        }
    }

    private List<PreferenceExample> readExamples(String path, String what, String field) {
        PairEncoder.Result result = readPairFile(RunConfig.resolve(runDirectory, path), tokenizer,
                start.config().contextLength(), config.data().pairRules());
        pairCounts.put(field, result.counts().toJson());
        pairSummaries.add(config.name() + ": " + what + " under the " + config.data().pairRules().kind().cliName()
                + " data rules: " + result.counts().summary());
        if (result.examples().isEmpty()) {
            throw new UserError(what + " file " + path + ": no pair is left under the "
                    + config.data().pairRules().kind().cliName() + " data rules (" + result.counts().summary() + ")");
        }
        return result.examples();
    }

    /** The held-out prompts of D′, in the start model's tokens. */
    public List<int[]> finalPrompts() {
        return ImdbTask.tokens(heldoutPromptTexts.subList(0, config.measurement().finalPrompts()), tokenizer,
                start.config().contextLength());
    }

    /** The held-out prompts the sample probe continues. */
    public List<int[]> probePrompts() {
        return ImdbTask.tokens(heldoutPromptTexts.subList(0, config.measurement().probePrompts()), tokenizer,
                start.config().contextLength());
    }

    /** The held-out prompts of the final evaluation (texts). */
    public List<String> evalPrompts() {
        return heldoutPromptTexts.subList(0, config.evaluation().prompts());
    }

    /** A fresh engine of the run's kind at the start checkpoint's parameters; closed with the experiment. */
    public synchronized PolicyEngine startEngine() {
        return register(Engines.engine(kind, start.config(), start.parameters(), parallel));
    }

    private synchronized PolicyEngine register(PolicyEngine engine) {
        opened.add(engine);
        return engine;
    }

    /** Closes every engine this experiment opened (device memory of the accelerated twin). */
    @Override
    public synchronized void close() {
        for (PolicyEngine engine : opened) {
            engine.close();
        }
        opened.clear();
    }

    /** The frozen reference (the start checkpoint), shared by probes; never trained. */
    public synchronized PolicyEngine frozenReference() {
        if (frozenReference == null) {
            frozenReference = startEngine();
        }
        return frozenReference;
    }

    private synchronized ReferenceLogProbs trainReference() {
        if (trainReference == null) {
            trainReference = ReferenceLogProbs.compute(frozenReference(), trainPairs, config.steps().batch());
        }
        return trainReference;
    }

    /** A fresh trainer of any objective, at step 0 from the start checkpoint. */
    public Trainer newTrainer() {
        if (config.objective() == Objective.SFT) {
            TrainingSettings training = config.steps().training();
            List<PromptResponse> windows = TrainImdbSft.corpusWindows(tokenizer, start.config().contextLength());
            return new SftTrainer(startEngine(), windows, training);
        }
        return newDecomposedTrainer();
    }

    /**
     * A fresh DPO, PPO, GRPO or RLOO trainer at step 0: every call gives one that trains bit-identically. The
     * on-policy ones sample completions that stop at the start model's tokenizer's end-of-text.
     */
    public DecomposedObjective newDecomposedTrainer() {
        return switch (config.objective()) {
            case DPO -> {
                DpoVariant variant = Objective.dpoVariant(config.variant());
                DpoSettings dpo = config.dpo().settings(config.variant(), config.steps().steps());
                TrainingSettings training = config.steps().training();
                DpoTrainer trainer = new DpoTrainer(startEngine(), trainPairs, trainReference(), dpo, training);
                if (variant == DpoVariant.COORDINATED) {
                    trainer.coordinatedBy(new CoordinationController(
                            CoordinationController.Settings.defaults(probePrompts(), tokenizer)));
                }
                yield trainer;
            }
            case PPO -> {
                PpoConfig ppo = config.ppo().config(config.variant(), config.steps()).toBuilder()
                        .stopTokenId(tokenizer.endOfText()).build();
                yield new PpoTrainer(startEngine(), startEngine(),
                        register(Engines.critic(kind, start, config.steps().seed() + 101, parallel)),
                        task.rewardFunction(tokenizer), ppoPrompts, ppo);
            }
            case GRPO -> new GrpoTrainer(startEngine(), startEngine(), task.rewardFunction(tokenizer), ppoPrompts,
                    config.group().grpo(config.variant(), config.steps(), config.ppo().responseTokens(),
                            tokenizer.endOfText()));
            case RLOO -> new RlooTrainer(startEngine(), startEngine(), task.rewardFunction(tokenizer), ppoPrompts,
                    config.group().rloo(config.variant(), config.steps(), config.ppo().responseTokens(),
                            tokenizer.endOfText()));
            case SFT -> throw new UserError("G is measured for DPO, PPO, GRPO and RLOO runs; an SFT run has no "
                    + "positive/negative decomposition");
        };
    }

    /** The probes measured beside G: pair likelihoods (train, held-out) and samples (reward, judge, KL, entropy). */
    public List<Probe> probes() {
        List<Probe> probes = new ArrayList<>();
        if (!trainPairs.isEmpty()) {
            List<PreferenceExample> pairs = trainPairs.subList(0, Math.min(config.measurement().probePairs(), trainPairs.size()));
            ReferenceLogProbs all = trainReference();
            ReferenceLogProbs reference = new ReferenceLogProbs(
                    java.util.Arrays.copyOf(all.chosen(), pairs.size()),
                    java.util.Arrays.copyOf(all.rejected(), pairs.size()));
            probes.add(new PairLikelihoodProbe("train", pairs, reference, config.steps().batch()));
        }
        if (!heldoutPairs.isEmpty()) {
            List<PreferenceExample> pairs = heldoutPairs.subList(0, Math.min(config.measurement().probePairs(), heldoutPairs.size()));
            synchronized (this) {
                if (heldoutReference == null) {
                    heldoutReference = ReferenceLogProbs.compute(frozenReference(), pairs, config.steps().batch());
                }
            }
            probes.add(new PairLikelihoodProbe("heldout", pairs, heldoutReference, config.steps().batch()));
        }
        Map<String, RewardFunction> scorers = new LinkedHashMap<>();
        scorers.put("reward", task.rewardFunction(tokenizer));
        scorers.put("judge", task.judgeFunction(tokenizer));
        probes.add(new SampleProbe(probePrompts(), SamplingSettings.sampled(1.0, config.measurement().probeTokens(), tokenizer), PROBE_SEED,
                frozenReference(), scorers));
        return probes;
    }

    /** The settings of the two-pass replay: T, k, D′'s prompts and decoding, how G's gradients are computed. */
    public DynamicsRun.Settings dynamicsSettings() {
        return new DynamicsRun.Settings(config.steps().steps(), config.measurement().measureEvery(), finalPrompts(),
                SamplingSettings.greedy(config.measurement().finalTokens(), tokenizer), 0, GradientAlignment.TargetAverage.PER_SEQUENCE,
                Math.max(1, config.measurement().finalPrompts()), config.measurement().gPasses());
    }
}
