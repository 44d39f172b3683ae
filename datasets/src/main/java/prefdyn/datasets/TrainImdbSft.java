package prefdyn.datasets;

import prefdyn.reference.checkpoint.Checkpoint;
import prefdyn.reference.data.PromptResponse;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.optim.AdamWSettings;
import prefdyn.reference.sft.SftTrainer;
import prefdyn.reference.tokenizer.ByteTokenizer;
import prefdyn.reference.tokenizer.Tokenizer;
import prefdyn.reference.train.TrainingSettings;
import prefdyn.reference.util.JsonFiles;
import prefdyn.reference.util.Parallel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains the IMDb SFT policy: {@link SftTrainer} (next-byte NLL) on the half-A reviews of the committed sample,
 * in context windows of {@link ImdbModels#SFT_CONFIG}, from GPT-2's seeded initialisation. This is the analogue
 * of TRL's {@code gpt2-imdb}; the result is committed so the demo needs no training.
 *
 * <pre>
 *   java -cp ... prefdyn.datasets.TrainImdbSft OUT_DIR [steps] [batch] [learningRate] [seed] [threads]
 * </pre>
 * Defaults: 3000 steps of 16 windows, lr 3e-3 with 100 warm-up steps, seed 1. Deterministic: the same arguments
 * give a bit-identical checkpoint on any thread count. Writes {@code OUT_DIR/model.safetensors},
 * {@code config.json} and {@code training.json} (the arguments and the final loss).
 */
public final class TrainImdbSft {

    public static final int DEFAULT_STEPS = 3000;
    public static final int DEFAULT_BATCH = 16;
    public static final double DEFAULT_LEARNING_RATE = 3e-3;
    public static final long DEFAULT_SEED = 1;

    private TrainImdbSft() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: TrainImdbSft OUT_DIR [steps] [batch] [learningRate] [seed] [threads]");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_STEPS;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : DEFAULT_BATCH;
        double learningRate = args.length > 3 ? Double.parseDouble(args[3]) : DEFAULT_LEARNING_RATE;
        long seed = args.length > 4 ? Long.parseLong(args[4]) : DEFAULT_SEED;
        int threads = args.length > 5 ? Integer.parseInt(args[5]) : Runtime.getRuntime().availableProcessors();
        try (Parallel parallel = new Parallel(threads)) {
            ReferenceEngine engine = ReferenceEngine.initialized(ImdbModels.SFT_CONFIG, seed, parallel);
            Map<String, Object> last = train(engine, steps, batch, learningRate, seed, step -> {
                if (step.step() % 100 == 0 || step.step() == steps - 1) {
                    System.out.printf("step %d/%d  loss %.4f%n", step.step() + 1, steps, (double) step.metrics().get("loss"));
                }
            });
            double[] params = new double[engine.layout().size()];
            engine.copyParametersTo(params);
            Checkpoint.save(out, engine.config(), params);
            Map<String, Object> record = new LinkedHashMap<>();
            // the output folder is left out: a machine path does not belong in a committed file
            record.put("command", "datasets/scripts/train-sft.sh " + steps + " " + batch + " " + learningRate + " " + seed);
            record.put("steps", steps);
            record.put("batch_windows", batch);
            record.put("learning_rate", learningRate);
            record.put("warmup_steps", 100);
            record.put("seed", seed);
            record.put("corpus", "committed IMDb sample, half A (" + ImdbSample.PER_LABEL * 2 + " reviews), "
                    + ImdbModels.SFT_CONFIG.contextLength() + "-byte windows");
            record.put("final_loss", last.get("loss"));
            Path temporary = Files.createTempFile(out, "training", ".tmp");
            Files.writeString(temporary, JsonFiles.write(record) + "\n", StandardCharsets.UTF_8);
            Files.move(temporary, out.resolve("training.json"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** One step's index and metrics, for progress reporting. */
    public record Step(long step, Map<String, Object> metrics) {
    }

    /**
     * The SFT corpus in byte-level tokens ({@link #corpusWindows(Tokenizer, int)}), the committed model's.
     */
    public static List<PromptResponse> corpusWindows(int contextLength) {
        return corpusWindows(ByteTokenizer.asTokenizer(), contextLength);
    }

    /**
     * The SFT corpus: every half-A review of the committed sample in {@code tokenizer}'s tokens followed by
     * end-of-text (so the model learns where a review stops), cut into windows of the context length
     * ({@link SftTrainer#plainText}).
     */
    public static List<PromptResponse> corpusWindows(Tokenizer tokenizer, int contextLength) {
        List<int[]> texts = new ArrayList<>();
        for (String text : ImdbSample.load().sftCorpus()) {
            int[] ids = tokenizer.encode(text);
            int[] withEnd = java.util.Arrays.copyOf(ids, ids.length + 1);
            withEnd[ids.length] = tokenizer.endOfText();
            texts.add(withEnd);
        }
        return SftTrainer.plainText(texts, contextLength);
    }

    /** Trains {@code engine} in place on the sample's half A; returns the last step's metrics. */
    public static Map<String, Object> train(ReferenceEngine engine, int steps, int batch, double learningRate,
                                            long seed, java.util.function.Consumer<Step> progress) {
        List<PromptResponse> windows = corpusWindows(engine.config().contextLength());
        TrainingSettings settings = new TrainingSettings(batch, learningRate, 100, AdamWSettings.defaults(), 1.0, seed);
        SftTrainer trainer = new SftTrainer(engine, windows, settings);
        Map<String, Object> metrics = Map.of();
        for (int step = 0; step < steps; step++) {
            metrics = trainer.step();
            if (progress != null) {
                progress.accept(new Step(step, metrics));
            }
        }
        return metrics;
    }
}
