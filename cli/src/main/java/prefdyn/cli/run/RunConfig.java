package prefdyn.cli.run;

import prefdyn.cli.base.UserError;
import prefdyn.cli.base.Version;
import prefdyn.cli.task.ImdbTask;
import prefdyn.reference.dpo.DpoLossType;
import prefdyn.reference.dynamics.GradientAlignment.ComponentPasses;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Every setting of one training run, as written to the run directory's {@code config.json} and read back by
 * {@code analyze}: with the same config the run is reproduced bit for bit (every trainer is seeded and
 * deterministic for any thread count). File paths are stored as given; relative ones resolve against the run
 * directory.
 *
 * @param name           the run's label, e.g. {@code dpo/standard}
 * @param objective      sft, dpo or ppo
 * @param variant        the ablation (see {@link Objective#variants()})
 * @param lossType       DPO's per-pair loss: sigmoid (DPO), hinge, ipo, conservative
 * @param beta           DPO's β
 * @param seed           seeds data order, sampling and the critic's value head
 * @param steps          T, optimizer steps (PPO: rollout batches)
 * @param batch          pairs per DPO step, prompts per PPO rollout batch, windows per SFT step
 * @param learningRate   AdamW learning rate (constant)
 * @param checkpoint     the start model and the frozen reference: a directory or {@code committed-sft}
 * @param pairs          DPO's training pairs (TRL JSONL) or null
 * @param heldoutPairs   pairs for the held-out likelihood probe (TRL JSONL) or null
 * @param ppoEpochs      PPO epochs per rollout batch
 * @param ppoMiniBatches PPO minibatches per epoch
 * @param responseTokens PPO's most new tokens per rollout response
 * @param klCoef         PPO's fixed KL penalty coefficient β_kl
 * @param trainPrompts   PPO's prompt dataset size (IMDb half A openings)
 * @param measureEvery   k: G and the probes are measured at t = 0, k, 2k, …
 * @param finalPrompts   held-out prompts of D′ (greedy final responses)
 * @param finalTokens    most tokens of each final response
 * @param probePrompts   held-out prompts sampled by the sample probe (reward, judge, KL, entropy) at each measure
 * @param probeTokens    most tokens of each probe sample
 * @param probePairs     most pairs in each likelihood probe (train and held-out)
 * @param evalPrompts    held-out prompts of the final evaluation (win rate against the start model)
 * @param evalTokens     most tokens of each evaluation sample
 * @param dataSeed       seeds the choice of prompts
 * @param engine         reference or accelerated
 * @param gPasses        how G's component gradients are computed (field {@code g_passes}: every or linear; absent
 *                       in older configs, which means every)
 */
public record RunConfig(String name, Objective objective, String variant, DpoLossType lossType, double beta,
                        long seed, int steps, int batch, double learningRate, String checkpoint, String pairs,
                        String heldoutPairs, int ppoEpochs, int ppoMiniBatches, int responseTokens, double klCoef,
                        int trainPrompts, int measureEvery, int finalPrompts, int finalTokens, int probePrompts,
                        int probeTokens, int probePairs, int evalPrompts, int evalTokens, long dataSeed,
                        String engine, ComponentPasses gPasses) {

    public RunConfig {
        objective.requireVariant(variant);
        Objects.requireNonNull(gPasses, "gPasses");
        positive("steps", steps);
        positive("batch", batch);
        positive("measure-every", measureEvery);
        positive("final-prompts", finalPrompts);
        positive("final-tokens", finalTokens);
        positive("probe-prompts", probePrompts);
        positive("probe-tokens", probeTokens);
        positive("probe-pairs", probePairs);
        positive("eval-prompts", evalPrompts);
        positive("eval-tokens", evalTokens);
        positive("ppo-epochs", ppoEpochs);
        positive("ppo-minibatches", ppoMiniBatches);
        positive("response-tokens", responseTokens);
        positive("train-prompts", trainPrompts);
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new UserError("--lr must be positive and finite, got " + learningRate);
        }
        if (!(beta > 0) || Double.isInfinite(beta)) {
            throw new UserError("--beta must be positive and finite, got " + beta);
        }
        if (!(klCoef >= 0) || Double.isInfinite(klCoef)) {
            throw new UserError("--kl-coef must be finite and >= 0, got " + klCoef);
        }
        if (objective == Objective.PPO) {
            if (batch < 2) {
                throw new UserError("--batch must be at least 2 for PPO (advantages are whitened over the batch), got "
                        + batch);
            }
            if (batch % ppoMiniBatches != 0) {
                throw new UserError("--batch " + batch + " is not divisible by --ppo-minibatches " + ppoMiniBatches);
            }
        }
        if (objective == Objective.DPO && pairs == null) {
            throw new UserError("a DPO run needs a pairs file");
        }
    }

    /** This config without DPO pairs, as a PPO-style config (only for building shared, pair-free parts). */
    public RunConfig withoutPairs() {
        return new RunConfig(name, Objective.PPO, "standard", lossType, beta, seed, steps, Math.max(2, batch),
                learningRate, checkpoint, null, null, ppoEpochs, 1, responseTokens, klCoef, trainPrompts,
                measureEvery, finalPrompts, finalTokens, probePrompts, probeTokens, probePairs, evalPrompts, evalTokens,
                dataSeed, engine, gPasses);
    }

    /** This config without the held-out pair file. */
    public RunConfig withoutHeldoutPairs() {
        return new RunConfig(name, objective, variant, lossType, beta, seed, steps, batch, learningRate, checkpoint,
                pairs, null, ppoEpochs, ppoMiniBatches, responseTokens, klCoef, trainPrompts, measureEvery, finalPrompts,
                finalTokens, probePrompts, probeTokens, probePairs, evalPrompts, evalTokens, dataSeed, engine, gPasses);
    }

    private static void positive(String flag, long value) {
        if (value < 1) {
            throw new UserError("--" + flag + " must be at least 1, got " + value);
        }
    }

    /** {@code path} resolved against the run directory (absolute paths stay as they are). */
    public static Path resolve(Path runDirectory, String path) {
        Path file = Path.of(path);
        return file.isAbsolute() ? file : runDirectory.resolve(file).normalize();
    }

    /** The config as a JSON object, with prefdyn's version and the thread count for the record. */
    public Map<String, Object> toJson(int threads) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("prefdyn_version", Version.get());
        json.put("name", name);
        json.put("objective", objective.cliName());
        json.put("variant", variant);
        json.put("loss_type", lossType.name().toLowerCase(Locale.ROOT));
        json.put("beta", beta);
        json.put("seed", seed);
        json.put("steps", steps);
        json.put("batch", batch);
        json.put("learning_rate", learningRate);
        json.put("checkpoint", checkpoint);
        json.put("pairs", pairs);
        json.put("heldout_pairs", heldoutPairs);
        json.put("ppo_epochs", ppoEpochs);
        json.put("ppo_minibatches", ppoMiniBatches);
        json.put("response_tokens", responseTokens);
        json.put("kl_coef", klCoef);
        json.put("train_prompts", trainPrompts);
        json.put("measure_every", measureEvery);
        json.put(GPasses.FIELD, GPasses.name(gPasses));
        json.put("final_prompts", finalPrompts);
        json.put("final_tokens", finalTokens);
        json.put("probe_prompts", probePrompts);
        json.put("probe_tokens", probeTokens);
        json.put("probe_pairs", probePairs);
        json.put("eval_prompts", evalPrompts);
        json.put("eval_tokens", evalTokens);
        json.put("data_seed", dataSeed);
        json.put("engine", engine);
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
                    DpoLossType.valueOf(string(json, "loss_type").toUpperCase(Locale.ROOT)), number(json, "beta"),
                    integer(json, "seed"), (int) integer(json, "steps"), (int) integer(json, "batch"),
                    number(json, "learning_rate"), string(json, "checkpoint"), optionalString(json, "pairs"),
                    optionalString(json, "heldout_pairs"), (int) integer(json, "ppo_epochs"),
                    (int) integer(json, "ppo_minibatches"), (int) integer(json, "response_tokens"),
                    number(json, "kl_coef"), (int) integer(json, "train_prompts"), (int) integer(json, "measure_every"),
                    (int) integer(json, "final_prompts"), (int) integer(json, "final_tokens"),
                    (int) integer(json, "probe_prompts"), (int) integer(json, "probe_tokens"),
                    (int) integer(json, "probe_pairs"), (int) integer(json, "eval_prompts"),
                    (int) integer(json, "eval_tokens"), integer(json, "data_seed"), string(json, "engine"),
                    GPasses.fromConfig(json.get(GPasses.FIELD)));
        } catch (UserError | IllegalArgumentException e) {
            throw new UserError(source + ": " + e.getMessage(), e);
        }
    }

    private static String string(Map<String, Object> json, String key) {
        if (!(json.get(key) instanceof String value)) {
            throw new IllegalArgumentException("field \"" + key + "\": expected a string");
        }
        return value;
    }

    private static String optionalString(Map<String, Object> json, String key) {
        return json.get(key) == null ? null : string(json, key);
    }

    private static double number(Map<String, Object> json, String key) {
        if (!(json.get(key) instanceof Number value)) {
            throw new IllegalArgumentException("field \"" + key + "\": expected a number");
        }
        return value.doubleValue();
    }

    private static long integer(Map<String, Object> json, String key) {
        if (!(json.get(key) instanceof Long value)) {
            throw new IllegalArgumentException("field \"" + key + "\": expected an integer");
        }
        return value;
    }
}
