package prefdyn.cli.run;

import prefdyn.cli.base.UserError;
import prefdyn.reference.grpo.GroupSettings;
import prefdyn.reference.grpo.GrpoConfig;
import prefdyn.reference.grpo.GrpoLossType;
import prefdyn.reference.grpo.RlooConfig;
import prefdyn.reference.grpo.ScaleRewards;

import java.util.Locale;
import java.util.Map;

/**
 * GRPO's and RLOO's settings as a run records them, with TRL's names ({@code docs/paper-map.md}, "GRPO and RLOO");
 * every other field of the reference's {@link GroupSettings} keeps its TRL default. A group run's {@code --batch} is
 * TRL's {@code generation_batch_size}: completions per step, {@code batch / numGenerations} prompts.
 *
 * @param numGenerations      G, completions per prompt ({@code --num-generations}; TRL: GRPO 8, RLOO 2)
 * @param lossType            GRPO's aggregation ({@code --grpo-loss-type}, TRL's {@code loss_type} = dapo)
 * @param scaleRewards        GRPO's advantage scaling ({@code --scale-rewards}, TRL's {@code scale_rewards} = group)
 * @param klBeta              β ≥ 0 of the KL term ({@code --kl-beta}, TRL's {@code beta}: GRPO 0.0, RLOO 0.05)
 * @param epsilon             ε, the lower clip 1 − ε ({@code --epsilon} = 0.2)
 * @param epsilonHigh         ε_high, the upper clip 1 + ε_high ({@code --epsilon-high}; TRL's None means ε)
 * @param numIterations       μ, updates per generation batch ({@code --num-iterations} = 1)
 * @param adaptiveClipping    BAPO's adaptive bounds with the authors' defaults instead of [1 − ε, 1 + ε_high]
 *                            ({@code --adaptive-clipping})
 * @param normalizeAdvantages RLOO: whiten the leave-one-out advantages ({@code --normalize-advantages})
 * @param bapoTarget          BAPO's target share ρ₀ ∈ (0, 1) ({@code --bapo-target}, the authors' ½); read only with
 *                            adaptiveClipping, and recorded in config.json only then
 */
public record GroupObjectiveSettings(int numGenerations, GrpoLossType lossType, ScaleRewards scaleRewards,
                                     double klBeta, double epsilon, double epsilonHigh, int numIterations,
                                     boolean adaptiveClipping, boolean normalizeAdvantages, double bapoTarget) {

    public GroupObjectiveSettings {
        if (numGenerations < 2) {
            throw new UserError("--num-generations must be at least 2, got " + numGenerations
                    + " (group-relative advantages compare completions of the same prompt)");
        }
        if (!(klBeta >= 0) || Double.isInfinite(klBeta)) {
            throw new UserError("--kl-beta must be finite and >= 0, got " + klBeta);
        }
        if (!(epsilon > 0 && epsilon < 1)) {
            throw new UserError("--epsilon must be in (0, 1), got " + epsilon);
        }
        if (!(epsilonHigh > 0) || Double.isInfinite(epsilonHigh)) {
            throw new UserError("--epsilon-high must be finite and > 0, got " + epsilonHigh);
        }
        Checks.positive("num-iterations", numIterations);
        if (lossType == null || scaleRewards == null) {
            throw new UserError("a group run needs a loss type and a reward scaling");
        }
        Checks.bapoTarget(bapoTarget);
    }

    /** Settings with BAPO's default target ½. */
    public GroupObjectiveSettings(int numGenerations, GrpoLossType lossType, ScaleRewards scaleRewards, double klBeta,
                                  double epsilon, double epsilonHigh, int numIterations, boolean adaptiveClipping,
                                  boolean normalizeAdvantages) {
        this(numGenerations, lossType, scaleRewards, klBeta, epsilon, epsilonHigh, numIterations, adaptiveClipping,
                normalizeAdvantages, Checks.DEFAULT_BAPO_TARGET);
    }

    /** TRL's defaults for {@code objective} (GRPO: G 8, β 0; RLOO: G 2, β 0.05; any other objective: GRPO's). */
    public static GroupObjectiveSettings defaults(Objective objective) {
        boolean rloo = objective == Objective.RLOO;
        return new GroupObjectiveSettings(rloo ? 2 : 8, GrpoLossType.DAPO, ScaleRewards.GROUP, rloo ? 0.05 : 0.0,
                0.2, 0.2, 1, false, false);
    }

    /**
     * The settings of the command line: each null (not given) takes TRL's default for {@code objective}; an option
     * that does not apply to the objective is a one-line error.
     */
    public static GroupObjectiveSettings fromOptions(Objective objective, Integer numGenerations, String lossType,
                                                     String scaleRewards, Double klBeta, double epsilon,
                                                     Double epsilonHigh, int numIterations, boolean adaptiveClipping,
                                                     boolean normalizeAdvantages) {
        return fromOptions(objective, numGenerations, lossType, scaleRewards, klBeta, epsilon, epsilonHigh,
                numIterations, adaptiveClipping, normalizeAdvantages, null);
    }

    /**
     * As above, with {@code --bapo-target} (null: not given, the authors' ½), which needs {@code --adaptive-clipping}
     * and applies to PPO, GRPO and RLOO (PPO's copy is in {@link PpoSettings}).
     */
    public static GroupObjectiveSettings fromOptions(Objective objective, Integer numGenerations, String lossType,
                                                     String scaleRewards, Double klBeta, double epsilon,
                                                     Double epsilonHigh, int numIterations, boolean adaptiveClipping,
                                                     boolean normalizeAdvantages, Double bapoTarget) {
        if (bapoTarget != null && !adaptiveClipping) {
            throw new UserError("--bapo-target needs --adaptive-clipping");
        }
        if (bapoTarget != null) {
            Checks.bapoTarget(bapoTarget);
        }
        GroupObjectiveSettings defaults = defaults(objective);
        if (!objective.isGroup()) {
            requireUnset(objective, "--num-generations", numGenerations != null);
            requireUnset(objective, "--grpo-loss-type", lossType != null);
            requireUnset(objective, "--scale-rewards", scaleRewards != null);
            requireUnset(objective, "--kl-beta", klBeta != null);
            requireUnset(objective, "--epsilon-high", epsilonHigh != null);
            if (objective != Objective.PPO) {   // PPO's BAPO lives in PpoSettings
                requireUnset(objective, "--adaptive-clipping", adaptiveClipping);
                requireUnset(objective, "--bapo-target", bapoTarget != null);
            }
            requireUnset(objective, "--normalize-advantages", normalizeAdvantages);
            return bapoTarget == null ? defaults : new GroupObjectiveSettings(defaults.numGenerations(),
                    defaults.lossType(), defaults.scaleRewards(), defaults.klBeta(), defaults.epsilon(),
                    defaults.epsilonHigh(), defaults.numIterations(), false, false, bapoTarget);   // PPO's ρ₀
        }
        if (objective == Objective.RLOO) {
            requireUnset(objective, "--grpo-loss-type", lossType != null);
            requireUnset(objective, "--scale-rewards", scaleRewards != null);
        } else {
            requireUnset(objective, "--normalize-advantages", normalizeAdvantages);
        }
        return new GroupObjectiveSettings(numGenerations == null ? defaults.numGenerations() : numGenerations,
                lossType == null ? defaults.lossType() : parseLossType(lossType),
                scaleRewards == null ? defaults.scaleRewards() : parseScaleRewards(scaleRewards),
                klBeta == null ? defaults.klBeta() : klBeta, epsilon, epsilonHigh == null ? epsilon : epsilonHigh,
                numIterations, adaptiveClipping, normalizeAdvantages,
                bapoTarget == null ? Checks.DEFAULT_BAPO_TARGET : bapoTarget);
    }

    private static void requireUnset(Objective objective, String option, boolean given) {
        if (given) {
            throw new UserError(option + " does not apply to --objective " + objective.cliName());
        }
    }

    /** {@code --grpo-loss-type}: grpo, dr_grpo or dapo (TRL's names), or a one-line error. */
    public static GrpoLossType parseLossType(String name) {
        try {
            return GrpoConfig.parseLossType(name);
        } catch (IllegalArgumentException e) {
            throw new UserError("unknown --grpo-loss-type '" + name + "'; expected grpo, dr_grpo or dapo");
        }
    }

    /** {@code --scale-rewards}: group, batch or none (TRL's names), or a one-line error. */
    public static ScaleRewards parseScaleRewards(String name) {
        for (ScaleRewards value : ScaleRewards.values()) {
            if (value.name().equalsIgnoreCase(name)) {
                return value;
            }
        }
        throw new UserError("unknown --scale-rewards '" + name + "'; expected group, batch or none");
    }

    /** Checks a group run's batch: at least G completions and a multiple of G. */
    public void requireBatch(int batch) {
        if (batch < numGenerations || batch % numGenerations != 0) {
            throw new UserError("--batch " + batch + " (completions per step) is not a positive multiple of "
                    + "--num-generations " + numGenerations);
        }
    }

    /**
     * The shared reference settings of a run of {@code variant} (a command-line name) with these steps, completions
     * of at most {@code responseTokens} tokens that stop at {@code endOfText} (the policy's tokenizer's).
     */
    public GroupSettings.Builder group(Objective objective, String variant, StepSettings steps, int responseTokens,
                                       int endOfText) {
        GroupSettings.Builder builder = objective == Objective.RLOO ? GroupSettings.rlooDefaults()
                : GroupSettings.grpoDefaults();
        return builder.numGenerations(numGenerations)
                .generationBatchSize(steps.batch())
                .epsilon(epsilon)
                .epsilonHigh(epsilonHigh)
                .numIterations(numIterations)
                .maxCompletionLength(responseTokens)
                .stopTokenId(endOfText)
                .learningRate(steps.learningRate())
                .adaptiveClipping(Checks.bapo(adaptiveClipping, bapoTarget))
                .totalSteps(steps.steps())
                .objective(Objective.ppoObjective(variant))
                .seed(steps.seed())
                .componentNorms(steps.componentNorms());
    }

    /** The reference's GRPO config of a run (see {@link #group}). */
    public GrpoConfig grpo(String variant, StepSettings steps, int responseTokens, int endOfText) {
        return new GrpoConfig(group(Objective.GRPO, variant, steps, responseTokens, endOfText).build(), klBeta,
                scaleRewards, lossType);
    }

    /** The reference's RLOO config of a run (see {@link #group}). */
    public RlooConfig rloo(String variant, StepSettings steps, int responseTokens, int endOfText) {
        return new RlooConfig(group(Objective.RLOO, variant, steps, responseTokens, endOfText).build(), klBeta,
                normalizeAdvantages);
    }

    /** Writes the fields of {@code objective} into a config.json object (nothing for a non-group objective). */
    void put(Map<String, Object> json, Objective objective) {
        if (!objective.isGroup()) {
            return;
        }
        json.put("num_generations", numGenerations);
        json.put("kl_beta", klBeta);
        json.put("epsilon", epsilon);
        json.put("epsilon_high", epsilonHigh);
        json.put("num_iterations", numIterations);
        json.put("adaptive_clipping", adaptiveClipping);
        if (adaptiveClipping) {
            json.put("bapo_target", bapoTarget);   // only when on: group configs written before the option still match
        }
        if (objective == Objective.GRPO) {
            json.put("grpo_loss_type", lossType.name().toLowerCase(Locale.ROOT));
            json.put("scale_rewards", scaleRewards.name().toLowerCase(Locale.ROOT));
        } else {
            json.put("normalize_advantages", normalizeAdvantages);
        }
    }

    /** Reads what {@link #put} wrote; TRL's defaults for a non-group objective. */
    static GroupObjectiveSettings fromConfig(Map<String, Object> json, Objective objective) {
        GroupObjectiveSettings defaults = defaults(objective);
        if (!objective.isGroup()) {
            return defaults;
        }
        boolean grpo = objective == Objective.GRPO;
        return new GroupObjectiveSettings((int) RunConfig.integer(json, "num_generations"),
                grpo ? parseLossType(RunConfig.string(json, "grpo_loss_type")) : defaults.lossType(),
                grpo ? parseScaleRewards(RunConfig.string(json, "scale_rewards")) : defaults.scaleRewards(),
                RunConfig.number(json, "kl_beta"), RunConfig.number(json, "epsilon"),
                RunConfig.number(json, "epsilon_high"), (int) RunConfig.integer(json, "num_iterations"),
                bool(json, "adaptive_clipping"), !grpo && bool(json, "normalize_advantages"),
                Checks.bapoTarget(json));
    }

    private static boolean bool(Map<String, Object> json, String key) {
        if (!(json.get(key) instanceof Boolean value)) {
            throw new IllegalArgumentException("field \"" + key + "\": expected true or false");
        }
        return value;
    }
}
