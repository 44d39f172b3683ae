package prefdyn.cli.command;

import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import prefdyn.cli.base.UserError;
import prefdyn.cli.engine.Engines;
import prefdyn.cli.startmodel.StartModelRun;
import prefdyn.datasets.startmodel.StartModelTraining;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.optim.AdamWSettings;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code prefdyn sft}: its options; what pre-trains a start model on IMDb into a checkpoint directory is
 * {@link StartModelRun}.
 */
@Command(name = "sft", mixinStandardHelpOptions = true,
        description = {"Pre-train a start model: next-token NLL on IMDb half A (the committed sample's, or the whole "
                + "half A of the fetched package), reviews joined by end-of-text and cut into windows of the context, "
                + "from GPT-2's seeded initialisation; AdamW (0.9, 0.95) with a warm-up and a cosine decay; the "
                + "held-out bits per byte of text at every evaluation. Writes a checkpoint (model.safetensors, "
                + "config.json, the tokenizer's vocab.json + merges.txt, training.json). An interrupted run is "
                + "continued by the same command from its last evaluation point (kept in DIR/resume/)."})
public final class SftCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Checkpoint directory to write.")
    Path out;

    @Option(names = "--tokenizer", defaultValue = "imdb-bpe", paramLabel = "NAME",
            description = "bytes, imdb-bpe (the committed 2,048-merge IMDb vocabulary) or a folder with vocab.json "
                    + "and merges.txt. Default: ${DEFAULT-VALUE}.")
    String tokenizer;

    @Option(names = "--corpus", defaultValue = "sample",
            description = "sample (the committed sample's half A, 2,000 reviews) or full (all of half A; needs "
                    + "--data). Default: ${DEFAULT-VALUE}.")
    String corpus;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "datasets/target/raw",
            description = "The folder datasets/scripts/fetch-imdb.sh filled (for --corpus full). Default: ${DEFAULT-VALUE}.")
    Path data;

    @Option(names = "--n-embd", defaultValue = "64", description = "Channels C. Default: ${DEFAULT-VALUE}.")
    int channels;

    @Option(names = "--n-layer", defaultValue = "2", description = "Blocks L. Default: ${DEFAULT-VALUE}.")
    int layers;

    @Option(names = "--n-head", defaultValue = "4", description = "Heads H. Default: ${DEFAULT-VALUE}.")
    int heads;

    @Option(names = "--n-positions", defaultValue = "64", description = "Context T in tokens. Default: ${DEFAULT-VALUE}.")
    int context;

    @Option(names = "--steps", defaultValue = "3000", description = "Steps. Default: ${DEFAULT-VALUE}.")
    long steps;

    @Option(names = "--batch", defaultValue = "16", description = "Windows per step. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--lr", defaultValue = "3e-3", description = "Peak learning rate. Default: ${DEFAULT-VALUE}.")
    double lr;

    @Option(names = "--min-lr", description = "Learning rate at the last step (cosine decay). Default: lr / 10.")
    Double minLr;

    @Option(names = "--warmup", defaultValue = "100", description = "Warm-up steps. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--weight-decay", defaultValue = "0.1",
            description = "AdamW weight decay of the matrices. Default: ${DEFAULT-VALUE}.")
    double weightDecay;

    @Option(names = "--eval-every", defaultValue = "250",
            description = "Steps between held-out evaluations and resume points. Default: ${DEFAULT-VALUE}.")
    int evalEvery;

    @Option(names = "--heldout", defaultValue = "200",
            description = "Held-out reviews (the committed sample's half B) scored in bits per byte. Default: ${DEFAULT-VALUE}.")
    int heldOut;

    @Option(names = "--engine", defaultValue = "reference",
            description = "The engine that trains: reference or accelerated. Default: ${DEFAULT-VALUE}.")
    String engine;

    @Option(names = "--seed", defaultValue = "1", description = "Seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--threads", description = "Threads (results are identical for any count). Default: all cores.")
    Integer threads;

    @Option(names = "--force", description = "Start over: replace a checkpoint or an interrupted run in --out.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        if (steps < 1 || batch < 1 || evalEvery < 1) {
            throw new UserError("--steps, --batch and --eval-every must be at least 1");
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new UserError("--lr must be positive and finite, got " + lr);
        }
        double floor = minLr == null ? lr / 10 : minLr;
        if (!(floor >= 0) || floor > lr) {
            throw new UserError("--min-lr must lie in [0, --lr], got " + floor);
        }
        if (warmup < 0 || warmup >= steps) {
            throw new UserError("--warmup must lie in [0, --steps), got " + warmup);
        }
        if (!(weightDecay >= 0)) {
            throw new UserError("--weight-decay must be >= 0, got " + weightDecay);
        }
        GptConfig shape;
        try {
            shape = new GptConfig(2, context, layers, heads, channels, false, false);
        } catch (IllegalArgumentException e) {
            throw new UserError("model shape: " + e.getMessage(), e);
        }
        Engines.Kind kind = Engines.Kind.parse(engine);
        Engines.requireAvailable(kind);
        StartModelTraining.Settings training = new StartModelTraining.Settings(steps, batch, lr, warmup, floor,
                new AdamWSettings(0.9, 0.95, 1e-8, weightDecay), 1.0, seed, evalEvery);
        String command = String.format(Locale.ROOT, "prefdyn sft --tokenizer %s --corpus %s --n-embd %d --n-layer %d "
                        + "--n-head %d --n-positions %d --steps %d --batch %d --lr %s --min-lr %s --warmup %d "
                        + "--weight-decay %s --eval-every %d --heldout %d --engine %s --seed %d",
                tokenizer, corpus, channels, layers, heads, context, steps, batch, lr, floor, warmup, weightDecay,
                evalEvery, heldOut, engine, seed);
        StartModelRun.run(new StartModelRun.Request(out, tokenizer, corpus, data, shape, training, heldOut, kind,
                threads, command, force), spec.commandLine().getOut(), common.quiet);
        return ExitCode.OK;
    }
}
