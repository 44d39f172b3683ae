package prefdyn.cli.run;

import prefdyn.cli.base.UserError;
import prefdyn.cli.base.Version;
import prefdyn.cli.task.ImdbTask;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every setting of one training run, by concern, as written to the run directory's {@code config.json} and read
 * back by {@code analyze}: with the same config the run is reproduced bit for bit (every trainer is seeded and
 * deterministic for any thread count).
 *
 * @param name        the run's label, e.g. {@code dpo/standard}
 * @param objective   sft, dpo, ppo, grpo or rloo
 * @param variant     the ablation (see {@link Objective#variants()})
 * @param model       the start model and the engine
 * @param steps       the optimizer steps: seed, count, batch, learning rate, one or two backward passes
 * @param data        pair files and prompt choice
 * @param dpo         DPO's loss and β
 * @param ppo         PPO's epochs, minibatches, rollout length (also GRPO's and RLOO's) and KL coefficient
 * @param measurement G's schedule and D′, and the probes
 * @param evaluation  the final win rate's prompts and sample length
 * @param group       GRPO's and RLOO's group size, loss, clipping and KL coefficient
 */
public record RunConfig(String name, Objective objective, String variant, ModelSettings model, StepSettings steps,
                        DataSettings data, DpoLossSettings dpo, PpoSettings ppo, MeasurementSettings measurement,
                        EvaluationSettings evaluation, GroupObjectiveSettings group) {

    public RunConfig {
        objective.requireVariant(variant);
        if (objective.isGroup()) {
            group.requireBatch(steps.batch());
        }
        if (objective == Objective.PPO) {
            if (steps.batch() < 2) {
                throw new UserError("--batch must be at least 2 for PPO (advantages are whitened over the batch), got "
                        + steps.batch());
            }
            if (steps.batch() % ppo.miniBatches() != 0) {
                throw new UserError("--batch " + steps.batch() + " is not divisible by --ppo-minibatches "
                        + ppo.miniBatches());
            }
        }
        if (objective == Objective.DPO && data.pairs() == null) {
            throw new UserError("a DPO run needs a pairs file");
        }
    }

    /** A run that is not GRPO or RLOO, with TRL's GRPO defaults in the unused group part. */
    public RunConfig(String name, Objective objective, String variant, ModelSettings model, StepSettings steps,
                     DataSettings data, DpoLossSettings dpo, PpoSettings ppo, MeasurementSettings measurement,
                     EvaluationSettings evaluation) {
        this(name, objective, variant, model, steps, data, dpo, ppo, measurement, evaluation,
                GroupObjectiveSettings.defaults(objective));
    }

    /** This config without DPO pairs, as a PPO-style config (only for building shared, pair-free parts). */
    public RunConfig withoutPairs() {
        return new RunConfig(name, Objective.PPO, "standard", model, steps.withBatch(Math.max(2, steps.batch())),
                data.withoutPairs(), dpo, ppo.withMiniBatches(1), measurement, evaluation,
                GroupObjectiveSettings.defaults(Objective.PPO));
    }

    /** This config with other pair files (paths as {@link DataSettings} stores them; null for none). */
    public RunConfig withPairFiles(String pairs, String heldoutPairs) {
        return new RunConfig(name, objective, variant, model, steps, data.withPairFiles(pairs, heldoutPairs), dpo, ppo,
                measurement, evaluation, group);
    }

    /** This config without the held-out pair file. */
    public RunConfig withoutHeldoutPairs() {
        return new RunConfig(name, objective, variant, model, steps, data.withoutHeldoutPairs(), dpo, ppo,
                measurement, evaluation, group);
    }

    /** {@code path} resolved against the run directory (absolute paths stay as they are). */
    public static Path resolve(Path runDirectory, String path) {
        Path file = Path.of(path);
        return file.isAbsolute() ? file : runDirectory.resolve(file).normalize();
    }

    /** The config as a JSON object, with prefdyn's version and the thread count for the record. */
    /**
     * The first setting in which two {@code config.json} objects differ, or null when they describe the same run
     * (the thread count and prefdyn's version are not settings: results are identical for any).
     */
    public static String differingSetting(Map<String, Object> saved, Map<String, Object> requested) {
        for (Map.Entry<String, Object> entry : requested.entrySet()) {
            String key = entry.getKey();
            if (!key.equals("threads") && !key.equals("prefdyn_version")
                    && !String.valueOf(saved.get(key)).equals(String.valueOf(entry.getValue()))) {
                return key;
            }
        }
        return null;
    }

    public Map<String, Object> toJson(int threads) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("prefdyn_version", Version.get());
        json.put("name", name);
        json.put("objective", objective.cliName());
        json.put("variant", variant);
        dpo.put(json);
        json.put("seed", steps.seed());
        json.put("steps", steps.steps());
        json.put("batch", steps.batch());
        json.put("learning_rate", steps.learningRate());
        json.put("checkpoint", model.checkpoint());
        json.put("pairs", data.pairs());
        json.put("heldout_pairs", data.heldoutPairs());
        DataRules.put(json, data.pairRules());
        json.put("ppo_epochs", ppo.epochs());
        json.put("ppo_minibatches", ppo.miniBatches());
        json.put("response_tokens", ppo.responseTokens());
        json.put("kl_coef", ppo.klCoef());
        if (objective == Objective.PPO && ppo.adaptiveClipping()) {
            json.put("adaptive_clipping", true);   // absent when off: configs written before the option still match
            json.put("bapo_target", ppo.bapoTarget());
        }
        group.put(json, objective);
        json.put("train_prompts", data.trainPrompts());
        json.put("measure_every", measurement.measureEvery());
        json.put(GPasses.FIELD, GPasses.name(measurement.gPasses()));
        json.put(ComponentNorms.FIELD, steps.componentNorms());
        json.put("final_prompts", measurement.finalPrompts());
        json.put("final_tokens", measurement.finalTokens());
        json.put("probe_prompts", measurement.probePrompts());
        json.put("probe_tokens", measurement.probeTokens());
        json.put("probe_pairs", measurement.probePairs());
        json.put("eval_prompts", evaluation.prompts());
        json.put("eval_tokens", evaluation.tokens());
        json.put("data_seed", data.dataSeed());
        json.put("engine", model.engine());
        json.put("threads", threads);
        json.put("reward", ImdbTask.REWARD_NAME);
        json.put("judge", ImdbTask.JUDGE_NAME);
        json.put("d_prime", "greedy responses of the final policy on the first final_prompts held-out prompts");
        return json;
    }

    /** Reads a config written by {@link #toJson}; {@code source} names the file in errors. */
    public static RunConfig fromJson(Map<String, Object> json, String source) {
        try {
            Objective objective = Objective.parse(string(json, "objective"));
            return new RunConfig(string(json, "name"), objective, string(json, "variant"),
                    new ModelSettings(string(json, "checkpoint"), string(json, "engine")),
                    new StepSettings(integer(json, "seed"), (int) integer(json, "steps"), (int) integer(json, "batch"),
                            number(json, "learning_rate"), ComponentNorms.fromConfig(json.get(ComponentNorms.FIELD))),
                    new DataSettings(optionalString(json, "pairs"), optionalString(json, "heldout_pairs"),
                            (int) integer(json, "train_prompts"), integer(json, "data_seed"),
                            DataRules.fromConfig(json)),
                    DpoLossSettings.fromConfig(json),
                    new PpoSettings((int) integer(json, "ppo_epochs"), (int) integer(json, "ppo_minibatches"),
                            (int) integer(json, "response_tokens"), number(json, "kl_coef"),
                            objective == Objective.PPO && ppoAdaptiveClipping(json), Checks.bapoTarget(json)),
                    new MeasurementSettings((int) integer(json, "measure_every"),
                            GPasses.fromConfig(json.get(GPasses.FIELD)), (int) integer(json, "final_prompts"),
                            (int) integer(json, "final_tokens"), (int) integer(json, "probe_prompts"),
                            (int) integer(json, "probe_tokens"), (int) integer(json, "probe_pairs")),
                    new EvaluationSettings((int) integer(json, "eval_prompts"), (int) integer(json, "eval_tokens")),
                    GroupObjectiveSettings.fromConfig(json, objective));
        } catch (UserError | IllegalArgumentException e) {
            throw new UserError(source + ": " + e.getMessage(), e);
        }
    }

    /** PPO's {@code adaptive_clipping}: true, or absent (off); anything else is an error naming the field. */
    private static boolean ppoAdaptiveClipping(Map<String, Object> json) {
        Object value = json.get("adaptive_clipping");
        if (value == null) {
            return false;
        }
        if (!(value instanceof Boolean on)) {
            throw new IllegalArgumentException("field \"adaptive_clipping\": expected true or false");
        }
        return on;
    }

    static String string(Map<String, Object> json, String key) {
        if (!(json.get(key) instanceof String value)) {
            throw new IllegalArgumentException("field \"" + key + "\": expected a string");
        }
        return value;
    }

    static String optionalString(Map<String, Object> json, String key) {
        return json.get(key) == null ? null : string(json, key);
    }

    static double number(Map<String, Object> json, String key) {
        if (!(json.get(key) instanceof Number value)) {
            throw new IllegalArgumentException("field \"" + key + "\": expected a number");
        }
        return value.doubleValue();
    }

    static long integer(Map<String, Object> json, String key) {
        if (!(json.get(key) instanceof Long value)) {
            throw new IllegalArgumentException("field \"" + key + "\": expected an integer");
        }
        return value;
    }
}
