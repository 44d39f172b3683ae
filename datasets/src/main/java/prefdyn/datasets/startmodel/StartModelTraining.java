package prefdyn.datasets.startmodel;

import prefdyn.reference.data.PromptResponse;
import prefdyn.reference.engine.PolicyEngine;
import prefdyn.reference.optim.AdamWSettings;
import prefdyn.reference.sft.SftTrainer;
import prefdyn.reference.tokenizer.Tokenizer;
import prefdyn.reference.train.CosineLearningRate;
import prefdyn.reference.train.ResumePoint;
import prefdyn.reference.train.TrainingSettings;
import prefdyn.reference.util.JsonFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pre-trains a start model on a token stream ({@link LanguageModelCorpus}): next-token NLL ({@link SftTrainer}) on
 * windows of the context length in a seeded order, AdamW with a warm-up and a cosine decay
 * ({@link CosineLearningRate}), gradient clipping, and at every evaluation point the held-out cross-entropy in bits
 * per byte ({@link BitsPerByte}) and a {@link ResumePoint}. A run killed at any moment and started again with the
 * same settings and folder continues from its last evaluation point and ends with the uninterrupted run's model,
 * bit for bit (the engine being deterministic).
 */
public final class StartModelTraining {

    /**
     * The settings of one run.
     *
     * @param steps          optimizer steps in all
     * @param batchWindows   windows per step
     * @param peakLr         learning rate after the warm-up
     * @param warmupSteps    linear warm-up steps
     * @param floorLr        the learning rate at the last step (cosine decay)
     * @param adamW          betas, epsilon and weight decay (nanoGPT: 0.9, 0.95, 1e-8, 0.1)
     * @param maxGradNorm    global gradient-norm clipping (1.0)
     * @param seed           seeds the window order (θ's initialisation is the caller's)
     * @param evaluateEvery  steps between evaluations (and resume points); the last step is always evaluated
     */
    public record Settings(long steps, int batchWindows, double peakLr, int warmupSteps, double floorLr,
                           AdamWSettings adamW, double maxGradNorm, long seed, int evaluateEvery) {

        public Settings {
            if (steps < 1 || batchWindows < 1 || evaluateEvery < 1) {
                throw new IllegalArgumentException("steps, batch windows and the evaluation interval must be >= 1");
            }
        }

        /** As JSON, for the run's record. */
        public Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("steps", steps);
            json.put("batch_windows", batchWindows);
            json.put("peak_learning_rate", peakLr);
            json.put("warmup_steps", warmupSteps);
            json.put("final_learning_rate", floorLr);
            json.put("adam_beta1", adamW.beta1());
            json.put("adam_beta2", adamW.beta2());
            json.put("adam_epsilon", adamW.epsilon());
            json.put("weight_decay", adamW.weightDecay());
            json.put("max_grad_norm", maxGradNorm);
            json.put("seed", seed);
            json.put("evaluate_every", evaluateEvery);
            return json;
        }
    }

    /** Told about each step and each evaluation, for progress output. */
    public interface Listener {
        void step(long step, Map<String, Object> metrics);

        void evaluated(long step, Map<String, Object> point);
    }

    /** The finished run: its record (settings, data, curve) and the last evaluation. */
    public record Result(Map<String, Object> record, Map<String, Object> lastPoint) {
    }

    private StartModelTraining() {
    }

    /**
     * Trains {@code engine} in place.
     *
     * @param windows         training windows of the engine's context length
     * @param heldOut         held-out documents, scored in bits per byte at each evaluation
     * @param about           facts about the data and the model for the record (corpus, tokenizer, ...)
     * @param resumeDirectory where resume points go; an existing one whose settings match is continued
     */
    public static Result run(PolicyEngine engine, List<PromptResponse> windows, Tokenizer tokenizer,
                             List<String> heldOut, Settings settings, Map<String, Object> about,
                             Path resumeDirectory, Listener listener) throws IOException {
        TrainingSettings training = new TrainingSettings(settings.batchWindows(), settings.peakLr(),
                settings.warmupSteps(), settings.adamW(), settings.maxGradNorm(), settings.seed());
        CosineLearningRate schedule = new CosineLearningRate(settings.peakLr(), settings.warmupSteps(),
                settings.steps(), settings.floorLr());
        SftTrainer trainer = new SftTrainer(engine, windows, training, schedule);

        Map<String, Object> record = new LinkedHashMap<>();
        record.put("settings", settings.toJson());
        record.put("about", about);
        List<Map<String, Object>> curve = new ArrayList<>();
        long start = 0;
        Optional<ResumePoint.Saved> saved = ResumePoint.restore(resumeDirectory, engine);
        if (saved.isPresent()) {
            Map<String, Object> previous = saved.get().record();
            // compared as written JSON: numbers read back are Long or Double whatever type wrote them
            if (!JsonFiles.write(settings.toJson()).equals(JsonFiles.write(previous.get("settings")))
                    || !JsonFiles.write(about).equals(JsonFiles.write(previous.get("about")))) {
                throw new IllegalArgumentException(resumeDirectory + " holds a run with other settings or data ("
                        + previous.get("settings") + ", " + previous.get("about")
                        + "); use another folder or delete it");
            }
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> previousCurve = (List<Map<String, Object>>) previous.get("curve");
            curve.addAll(previousCurve);
            start = saved.get().step();
            trainer.continueAt(start);
        } else {
            curve.add(evaluate(engine, tokenizer, heldOut, 0, Double.NaN, 0, schedule));
            listener.evaluated(0, curve.get(0));
        }
        record.put("curve", curve);

        double lossSum = 0;
        int lossCount = 0;
        long tokensSeen = start == 0 ? 0 : ((Number) curve.get(curve.size() - 1).get("tokens_seen")).longValue();
        for (long t = start; t < settings.steps(); t++) {
            Map<String, Object> metrics = trainer.step();
            listener.step(t, metrics);
            lossSum += (double) metrics.get("loss");
            lossCount++;
            tokensSeen += ((Number) metrics.get("num_tokens")).longValue();
            long done = t + 1;
            if (done % settings.evaluateEvery() == 0 || done == settings.steps()) {
                Map<String, Object> point = evaluate(engine, tokenizer, heldOut, done, lossSum / lossCount,
                        tokensSeen, schedule);
                curve.add(point);
                listener.evaluated(done, point);
                lossSum = 0;
                lossCount = 0;
                ResumePoint.save(resumeDirectory, done, engine, record);
            }
        }
        return new Result(record, curve.get(curve.size() - 1));
    }

    private static Map<String, Object> evaluate(PolicyEngine engine, Tokenizer tokenizer, List<String> heldOut,
                                                long step, double trainLoss, long tokensSeen,
                                                CosineLearningRate schedule) {
        BitsPerByte.Measurement measured = BitsPerByte.measure(engine, tokenizer, heldOut, 16);
        Map<String, Object> point = new LinkedHashMap<>();
        point.put("step", step);
        point.put("tokens_seen", tokensSeen);
        point.put("train_loss", Double.isNaN(trainLoss) ? null : trainLoss);
        point.put("learning_rate", step == 0 ? 0.0 : schedule.applyAsDouble(step - 1));
        point.put("heldout_bits_per_byte", measured.bitsPerByte());
        point.put("heldout_nats_per_token", measured.natsPerToken());
        return point;
    }
}
