package prefdyn.cli.bench;

import prefdyn.cli.base.UserError;
import prefdyn.cli.bench.ForwardBackwardBenchmark;
import prefdyn.cli.engine.Engines;
import prefdyn.reference.checkpoint.LoadedCheckpoint;
import prefdyn.reference.data.PromptResponse;
import prefdyn.reference.dpo.DpoSettings;
import prefdyn.reference.dpo.DpoTrainer;
import prefdyn.reference.dpo.DpoVariant;
import prefdyn.reference.dpo.PreferenceExample;
import prefdyn.reference.dpo.ReferenceLogProbs;
import prefdyn.reference.dynamics.DecomposedObjective;
import prefdyn.reference.dynamics.DynamicsRun;
import prefdyn.reference.dynamics.GradientAlignment;
import prefdyn.reference.engine.BackwardSeeds;
import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.model.FlopCount;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.ppo.PpoConfig;
import prefdyn.reference.ppo.PpoStepResult;
import prefdyn.reference.ppo.PpoTrainer;
import prefdyn.reference.ppo.RewardFunction;
import prefdyn.reference.sampling.SamplingSettings;
import prefdyn.reference.sft.SftTrainer;
import prefdyn.reference.train.TrainingSettings;
import prefdyn.reference.util.Parallel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The measurements of {@code prefdyn bench}: one engine configuration (the reference at some thread count, or the
 * twin) times each {@link Item} as the median of {@code repeats} after untimed warm-ups (at least {@link #WARM_UPS}
 * and at least {@code warmUpSeconds}), and
 * meters the useful FLOPs ({@link FlopCount}) and the twin's kernel launches of every timed repeat.
 *
 * <p>The work of each item is what the real runs do, through the same trainer classes:
 * <ul>
 *   <li><b>forward+backward</b>: one forward and one backward seeded on every token, B × T random tokens;</li>
 *   <li><b>SFT step</b>: {@link SftTrainer#step()} on B windows of T tokens;</li>
 *   <li><b>DPO step</b>: {@link DpoTrainer#step()} on B pairs (2B rows of T tokens: a T/4-token prompt and two
 *       3T/4-token responses), reference log-probs precomputed as in a run; one backward pass of the summed
 *       seeds, the trainer's default;</li>
 *   <li><b>DPO step, 2 passes</b>: the same with {@link TrainingSettings#componentNorms} ({@code --component-norms}:
 *       positive and negative learning as two backward passes, their norms logged), on the same engine;</li>
 *   <li><b>PPO step</b>: {@link PpoTrainer#step()} on B prompts of T/4 tokens: the rollout (sampling up to
 *       {@link #PPO_RESPONSE_TOKENS} tokens, stopping at end-of-text), the frozen reference's and the critic's
 *       forwards, then {@link #PPO_EPOCHS} epochs of 2 minibatches (1 when B is odd) of policy and critic updates;
 *       the score is a fixed function of the response bytes ({@link #REWARD}); one policy backward pass per
 *       minibatch;</li>
 *   <li><b>PPO step, 2 passes</b>: the same with {@link PpoConfig#componentNorms}, on the same engines;</li>
 *   <li><b>G at a DPO step</b> and <b>G at a PPO step</b>: {@link DynamicsRun#measure}, exactly what the analysis
 *       does at a measured step: the target gradient over D′ (|D′| sequences of a T/4-token prompt and a response
 *       of {@code finalTokens}), the forward of D_t and one backward per component (total, positive, negative, three
 *       tertiles) with its dot products. A PPO step's rollout is collected before the timer starts, because the
 *       step that follows the measurement reuses it; the G cost is then only what the analysis adds.</li>
 *   <li><b>G linear, DPO step</b> and <b>G linear, PPO step</b>: the same measurements at the same step with
 *       {@link GradientAlignment.ComponentPasses#BY_LINEARITY} (4 backward passes instead of 6; {@code --g-passes
 *       linear}), timed right after the 6-pass ones so that the two are compared within one run.</li>
 * </ul>
 * A step and its two-pass form, when both are asked for, are timed interleaved (one repeat of each in turn, after
 * the warm-ups of both), so that a change of the machine's load during the run reaches both alike.
 */
public final class StepBenchmark {

    /** The fewest untimed repeats before the timed ones. */
    public static final int WARM_UPS = 2;
    /** The most untimed repeats before the timed ones. */
    static final int MAX_WARM_UPS = 50;
    /** PPO epochs per rollout batch (the default of {@code prefdyn train}). */
    public static final int PPO_EPOCHS = 2;
    /** Most response tokens of a PPO rollout (the default of {@code prefdyn train}). */
    static final int PPO_RESPONSE_TOKENS = 32;
    /** The PPO score: the fraction of response bytes that are lower-case ASCII letters or spaces (deterministic). */
    static final RewardFunction REWARD = sequences -> {
        double[] scores = new double[sequences.size()];
        for (int i = 0; i < scores.length; i++) {
            int[] response = sequences.get(i).response();
            int letters = 0;
            for (int token : response) {
                letters += (token >= 'a' && token <= 'z') || token == ' ' ? 1 : 0;
            }
            scores[i] = response.length == 0 ? 0.0 : (double) letters / response.length;
        }
        return scores;
    };

    /**
     * What is timed, in the order it is printed (labels of at most 18 characters: the table's first column), each
     * with the short name {@code --items} selects it by.
     */
    public enum Item {
        FORWARD_BACKWARD("forward+backward", "fb"),
        SFT_STEP("SFT step", "sft"),
        DPO_STEP("DPO step", "dpo"),
        DPO_STEP_SPLIT("DPO step, 2 passes", "dpo-split"),
        PPO_STEP("PPO step", "ppo"),
        PPO_STEP_SPLIT("PPO step, 2 passes", "ppo-split"),
        G_DPO("G at a DPO step", "g-dpo"),
        G_DPO_LINEAR("G linear, DPO step", "g-dpo-linear"),
        G_PPO("G at a PPO step", "g-ppo"),
        G_PPO_LINEAR("G linear, PPO step", "g-ppo-linear");

        public final String label;
        public final String shortName;

        Item(String label, String shortName) {
            this.label = label;
            this.shortName = shortName;
        }

        /** The items named in a comma-separated list of short names, or every item for "all". */
        public static Set<Item> parse(String list) {
            Set<Item> items = EnumSet.noneOf(Item.class);
            for (String name : list.split(",", -1)) {
                String trimmed = name.trim();
                if (trimmed.equals("all")) {
                    items.addAll(EnumSet.allOf(Item.class));
                    continue;
                }
                Item found = null;
                for (Item item : values()) {
                    if (item.shortName.equals(trimmed)) {
                        found = item;
                    }
                }
                if (found == null) {
                    throw new UserError("unknown bench item '" + trimmed + "' in --items " + list + "; expected a "
                            + "comma-separated list of " + shortNames() + ", or all");
                }
                items.add(found);
            }
            return items;
        }

        static String shortNames() {
            StringBuilder names = new StringBuilder();
            for (Item item : values()) {
                names.append(names.isEmpty() ? "" : ", ").append(item.shortName);
            }
            return names.toString();
        }
    }

    /**
     * @param config       the policy's shape
     * @param parameters   its starting parameters
     * @param batch        B: sequences of forward+backward, SFT and PPO; pairs of DPO
     * @param repeats      timed repeats per item
     * @param finalPrompts |D′|
     * @param finalTokens  response tokens of each D′ sequence
     * @param warmUpSeconds the least time spent warming up each item (after at least {@link #WARM_UPS} repeats)
     * @param items        what to time (the trainers are set up either way, so a G item alone is measured at step 0)
     */
    public record Settings(GptConfig config, double[] parameters, int batch, int repeats, int finalPrompts, int finalTokens,
                    double warmUpSeconds, Set<Item> items) {

        Settings(GptConfig config, double[] parameters, int batch, int repeats, int finalPrompts, int finalTokens,
                 double warmUpSeconds) {
            this(config, parameters, batch, repeats, finalPrompts, finalTokens, warmUpSeconds,
                    EnumSet.allOf(Item.class));
        }

        public int promptLength() {
            return Math.max(1, config.contextLength() / 4);
        }

        public int dpoResponseLength() {
            return Math.max(1, config.contextLength() - promptLength());
        }

        public int ppoResponseLength() {
            return Math.max(1, Math.min(PPO_RESPONSE_TOKENS, config.contextLength() - promptLength()));
        }

        public int finalResponseLength() {
            return Math.max(1, Math.min(finalTokens, config.contextLength() - promptLength()));
        }

        public int ppoMiniBatches() {
            return batch % 2 == 0 ? 2 : 1;
        }
    }

    /**
     * The timed repeats of one item.
     *
     * @param seconds  [repeats] wall-clock time of each timed repeat
     * @param tokens   [repeats] tokens of each repeat: B·T (forward+backward, SFT), 2B·T (DPO), the rollout's prompt
     *                 and response tokens (PPO), the tokens of D′ and D_t forwarded (G)
     * @param flops    [repeats] useful FLOPs of each repeat ({@link FlopCount})
     * @param launches [repeats] kernel launches of each repeat (all zero for the reference)
     */
    public record Timing(double[] seconds, double[] tokens, double[] flops, long[] launches) {

        public double medianSeconds() {
            return median(seconds);
        }

        public double minSeconds() {
            return Arrays.stream(seconds).min().orElseThrow();
        }

        public double maxSeconds() {
            return Arrays.stream(seconds).max().orElseThrow();
        }

        public double meanTokens() {
            return Arrays.stream(tokens).average().orElseThrow();
        }

        public double meanFlops() {
            return Arrays.stream(flops).average().orElseThrow();
        }

        public double meanLaunches() {
            return Arrays.stream(launches).average().orElseThrow();
        }

        /** Mean tokens per repeat over the median time. */
        public double tokensPerSecond() {
            return meanTokens() / medianSeconds();
        }

        /** Mean useful FLOPs per repeat over the median time, in GFLOP/s. */
        public double gflopsPerSecond() {
            return meanFlops() / medianSeconds() / 1e9;
        }
    }

    /**
     * One engine configuration's timings.
     *
     * @param launchSeconds the twin's measured cost of one kernel launch ({@link #LAUNCH_PROBES} one-item launches
     *                      after as many untimed); NaN for the reference
     */
    public record Run(String label, Engines.Kind kind, int threads, Map<Item, Timing> timings, double launchSeconds) {

        /** True when this run timed {@code item}. */
        public boolean timed(Item item) {
            return timings.containsKey(item);
        }
    }

    /** One-item launches timed to measure the twin's cost per launch. */
    public static final int LAUNCH_PROBES = 200;

    private final Settings settings;
    private final Engines.Kind kind;
    private final Parallel parallel;
    private final List<MeteredEngine> engines = new ArrayList<>();

    private StepBenchmark(Settings settings, Engines.Kind kind, Parallel parallel) {
        this.settings = settings;
        this.kind = kind;
        this.parallel = parallel;
    }

    /** Times every item on one engine kind (the reference on {@code parallel}, or the twin). */
    public static Run run(String label, Engines.Kind kind, Parallel parallel, Settings settings) {
        StepBenchmark benchmark = new StepBenchmark(settings, kind, parallel);
        try {
            Map<Item, Timing> timings = benchmark.all();
            double launchSeconds = benchmark.engines.get(0).launchOverheadSeconds(LAUNCH_PROBES);
            return new Run(label, kind, kind == Engines.Kind.ACCELERATED ? 0 : parallel.threads(), timings,
                    launchSeconds);
        } finally {
            for (MeteredEngine engine : benchmark.engines) {
                engine.close();
            }
        }
    }

    private MeteredEngine open(GptConfig config, double[] parameters) {
        MeteredEngine engine = new MeteredEngine(Engines.engine(kind, config, parameters, parallel));
        engines.add(engine);
        return engine;
    }

    private Map<Item, Timing> all() {
        GptConfig config = settings.config();
        MeteredEngine policy = open(config, settings.parameters());
        Set<Item> items = settings.items();
        Map<Item, Timing> timings = new EnumMap<>(Item.class);
        if (items.contains(Item.FORWARD_BACKWARD)) {
            timings.put(Item.FORWARD_BACKWARD, forwardBackward(policy));
            policy.setParameters(settings.parameters());
        }
        if (items.contains(Item.SFT_STEP)) {
            timings.put(Item.SFT_STEP, sftSteps(policy));
            policy.setParameters(settings.parameters());
        }
        DpoTrainer dpo = dpoTrainer(policy, false);
        DpoTrainer dpoSplit = dpoTrainer(policy, true);
        double dpoTokens = 2.0 * settings.batch() * config.contextLength();
        timeSteps(timings, Item.DPO_STEP, () -> {
            dpo.step();
            return dpoTokens;
        }, Item.DPO_STEP_SPLIT, () -> {
            dpoSplit.step();
            return dpoTokens;
        });
        List<PromptResponse> targets = finalResponses();
        DynamicsRun.Settings dynamics = dynamicsSettings(targets, GradientAlignment.ComponentPasses.EVERY_COMPONENT);
        DynamicsRun.Settings linear = dynamicsSettings(targets, GradientAlignment.ComponentPasses.BY_LINEARITY);
        if (items.contains(Item.G_DPO)) {
            timings.put(Item.G_DPO, time(() -> gMeasurement(dpo, targets, dynamics)));
        }
        if (items.contains(Item.G_DPO_LINEAR)) {
            timings.put(Item.G_DPO_LINEAR, time(() -> gMeasurement(dpo, targets, linear)));
        }
        if (!items.contains(Item.PPO_STEP) && !items.contains(Item.PPO_STEP_SPLIT) && !items.contains(Item.G_PPO)
                && !items.contains(Item.G_PPO_LINEAR)) {
            return timings;
        }

        policy.setParameters(settings.parameters());
        MeteredEngine reference = open(config, settings.parameters());
        MeteredEngine critic = new MeteredEngine(Engines.critic(kind, new LoadedCheckpoint(config,
                settings.parameters()), 101, parallel));
        engines.add(critic);
        PpoTrainer ppo = new PpoTrainer(policy, reference, critic, REWARD, ppoPrompts(), ppoConfig(false));
        PpoTrainer ppoSplit = new PpoTrainer(policy, reference, critic, REWARD, ppoPrompts(), ppoConfig(true));
        timeSteps(timings, Item.PPO_STEP, () -> ppoTokens(ppo.trainStep()), Item.PPO_STEP_SPLIT,
                () -> ppoTokens(ppoSplit.trainStep()));
        if (items.contains(Item.G_PPO)) {
            timings.put(Item.G_PPO, time(() -> gMeasurement(ppo, targets, dynamics), ppo::componentSeeds));
        }
        if (items.contains(Item.G_PPO_LINEAR)) {
            timings.put(Item.G_PPO_LINEAR, time(() -> gMeasurement(ppo, targets, linear), ppo::componentSeeds));
        }
        return timings;
    }

    /** One repeat of an item: does the work and returns its tokens. */
    @FunctionalInterface
    private interface Repeat {
        double run();
    }

    private Timing time(Repeat repeat) {
        return time(repeat, () -> { });
    }

    /** The prompt and response tokens of a PPO step's rollout. */
    private static double ppoTokens(PpoStepResult result) {
        double tokens = 0;
        for (PromptResponse sequence : result.experience().rollout().sequences()) {
            tokens += sequence.length();
        }
        return tokens;
    }

    /**
     * Times whichever of a step ({@code item}) and its two-pass form ({@code split}) the settings ask for: both
     * interleaved when both are asked for ({@link #timeInterleaved}), else the one alone.
     */
    private void timeSteps(Map<Item, Timing> timings, Item item, Repeat repeat, Item split, Repeat splitRepeat) {
        boolean one = settings.items().contains(item);
        boolean two = settings.items().contains(split);
        if (one && two) {
            Timing[] both = timeInterleaved(repeat, splitRepeat);
            timings.put(item, both[0]);
            timings.put(split, both[1]);
        } else if (one) {
            timings.put(item, time(repeat));
        } else if (two) {
            timings.put(split, time(splitRepeat));
        }
    }

    /**
     * The warm-ups of {@link #time} for each of two items, then {@code repeats} rounds of one timed repeat of
     * {@code first} followed by one of {@code second}.
     *
     * @return {first's timing, second's timing}
     */
    private Timing[] timeInterleaved(Repeat first, Repeat second) {
        warmUp(first, () -> { });
        warmUp(second, () -> { });
        int repeats = settings.repeats();
        Timing a = emptyTiming(repeats);
        Timing b = emptyTiming(repeats);
        for (int r = 0; r < repeats; r++) {
            timeOnce(first, a, r);
            timeOnce(second, b, r);
        }
        return new Timing[] {a, b};
    }

    /**
     * Warm-ups, then timed repeats; {@code untimed} runs before each repeat, outside the timer and the meters. The
     * warm-up runs at least {@link #WARM_UPS} repeats and goes on until {@code warmUpSeconds} have passed (at most
     * {@link #MAX_WARM_UPS} repeats), so the JIT has compiled the hot loops before anything is timed.
     */
    private Timing time(Repeat repeat, Runnable untimed) {
        warmUp(repeat, untimed);
        int repeats = settings.repeats();
        Timing timing = emptyTiming(repeats);
        for (int r = 0; r < repeats; r++) {
            untimed.run();
            timeOnce(repeat, timing, r);
        }
        return timing;
    }

    /** The untimed repeats of {@link #time}: at least {@link #WARM_UPS}, until {@code warmUpSeconds} have passed. */
    private void warmUp(Repeat repeat, Runnable untimed) {
        long warmUpStart = System.nanoTime();
        for (int w = 0; w < MAX_WARM_UPS; w++) {
            if (w >= WARM_UPS && (System.nanoTime() - warmUpStart) / 1e9 >= settings.warmUpSeconds()) {
                break;
            }
            untimed.run();
            repeat.run();
        }
    }

    private static Timing emptyTiming(int repeats) {
        return new Timing(new double[repeats], new double[repeats], new double[repeats], new long[repeats]);
    }

    /** Runs one timed repeat into slot {@code r} of {@code timing}, with its tokens, FLOPs and launches. */
    private void timeOnce(Repeat repeat, Timing timing, int r) {
        double flopsBefore = totalFlops();
        long launchesBefore = totalLaunches();
        long start = System.nanoTime();
        timing.tokens()[r] = repeat.run();
        timing.seconds()[r] = (System.nanoTime() - start) / 1e9;
        timing.flops()[r] = totalFlops() - flopsBefore;
        timing.launches()[r] = totalLaunches() - launchesBefore;
    }

    private double totalFlops() {
        double sum = 0;
        for (MeteredEngine engine : engines) {
            sum += engine.flops();
        }
        return sum;
    }

    private long totalLaunches() {
        long sum = 0;
        for (MeteredEngine engine : engines) {
            sum += engine.kernelLaunches();
        }
        return sum;
    }

    private Timing forwardBackward(MeteredEngine engine) {
        GptConfig config = settings.config();
        int batch = settings.batch();
        int length = config.contextLength();
        TokenBatch tokenBatch = ForwardBackwardBenchmark.randomBatch(config, batch, length, 1234);
        double[][] seeds = new double[batch][length];
        for (int b = 0; b < batch; b++) {
            for (int t = 1; t < length; t++) {
                seeds[b][t] = -1.0;
            }
        }
        BackwardSeeds backwardSeeds = BackwardSeeds.ofTokenLogProbs(seeds);
        return time(() -> {
            engine.zeroGradients();
            engine.forward(tokenBatch);
            engine.backward(backwardSeeds);
            return (double) batch * length;
        });
    }

    private Timing sftSteps(MeteredEngine engine) {
        GptConfig config = settings.config();
        Random random = new Random(77);
        List<PromptResponse> windows = new ArrayList<>();
        for (int i = 0; i < settings.batch(); i++) {
            windows.add(new PromptResponse(randomTokens(random, 1, config.vocabSize()),
                    randomTokens(random, config.contextLength() - 1, config.vocabSize())));
        }
        SftTrainer trainer = new SftTrainer(engine, windows, TrainingSettings.of(settings.batch(), 1e-4, 1));
        return time(() -> {
            trainer.step();
            return (double) settings.batch() * config.contextLength();
        });
    }

    /** @param componentNorms the two-pass form ({@link TrainingSettings#componentNorms}) */
    private DpoTrainer dpoTrainer(MeteredEngine policy, boolean componentNorms) {
        GptConfig config = settings.config();
        Random random = new Random(99);
        List<PreferenceExample> pairs = new ArrayList<>();
        for (int i = 0; i < settings.batch(); i++) {
            int[] prompt = randomTokens(random, settings.promptLength(), config.vocabSize());
            int[] chosen = randomTokens(random, settings.dpoResponseLength(), config.vocabSize());
            int[] rejected = randomTokens(random, settings.dpoResponseLength(), config.vocabSize());
            rejected[0] = (chosen[0] + 1) % config.vocabSize();
            pairs.add(new PreferenceExample(prompt, chosen, rejected));
        }
        // the policy at its starting parameters is the reference, as at a DPO run's first step
        ReferenceLogProbs reference = ReferenceLogProbs.compute(policy, pairs, settings.batch());
        return new DpoTrainer(policy, pairs, reference,
                DpoSettings.of(0.1, DpoVariant.STANDARD, 1000),
                TrainingSettings.of(settings.batch(), 1e-4, 1).withComponentNorms(componentNorms));
    }

    /** D′: |D′| random prompt-response sequences, standing in for the final policy's greedy responses. */
    private List<PromptResponse> finalResponses() {
        Random random = new Random(5);
        int vocabulary = endOfText();
        List<PromptResponse> targets = new ArrayList<>();
        for (int i = 0; i < settings.finalPrompts(); i++) {
            targets.add(new PromptResponse(randomTokens(random, settings.promptLength(), vocabulary),
                    randomTokens(random, settings.finalResponseLength(), vocabulary)));
        }
        return targets;
    }

    private DynamicsRun.Settings dynamicsSettings(List<PromptResponse> targets,
                                                  GradientAlignment.ComponentPasses passes) {
        List<int[]> prompts = targets.stream().map(PromptResponse::prompt).toList();
        return new DynamicsRun.Settings(1, 1, prompts, new SamplingSettings(0.0, settings.finalResponseLength(), true, endOfText()), 0,
                GradientAlignment.TargetAverage.PER_SEQUENCE, targets.size(), passes);
    }

    /** One G measurement at the trainer's current step; returns the tokens of D′ and D_t it forwarded. */
    private double gMeasurement(DecomposedObjective trainer, List<PromptResponse> targets,
                                DynamicsRun.Settings dynamics) {
        MeteredEngine policy = (MeteredEngine) trainer.policy();
        long tokensBefore = policy.forwardTokens();
        DynamicsRun.measure(trainer, targets, dynamics, "bench");
        return policy.forwardTokens() - tokensBefore;
    }

    /**
     * The end-of-text id of the benchmarked shape: its last id, V − 1, as in both tokenizers prefdyn ships (the
     * byte-level one's 256, the IMDb BPE's 2,304). Random tokens are drawn below it, so no sequence ends early.
     */
    private int endOfText() {
        return settings.config().vocabSize() - 1;
    }

    private List<int[]> ppoPrompts() {
        Random random = new Random(31);
        int vocabulary = endOfText();
        List<int[]> prompts = new ArrayList<>();
        for (int i = 0; i < settings.batch(); i++) {
            prompts.add(randomTokens(random, settings.promptLength(), vocabulary));
        }
        return prompts;
    }

    /** @param componentNorms the two-pass form ({@link PpoConfig#componentNorms}) */
    private PpoConfig ppoConfig(boolean componentNorms) {
        return PpoConfig.builder()
                .stopTokenId(endOfText())
                .batchSize(settings.batch())
                .numPpoEpochs(PPO_EPOCHS)
                .numMiniBatches(settings.ppoMiniBatches())
                .responseLength(settings.ppoResponseLength())
                .learningRate(2e-4)
                .seed(1)
                .componentNorms(componentNorms)
                .build();
    }

    private static int[] randomTokens(Random random, int length, int vocabulary) {
        int[] tokens = new int[length];
        for (int i = 0; i < length; i++) {
            tokens[i] = random.nextInt(vocabulary);
        }
        return tokens;
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
