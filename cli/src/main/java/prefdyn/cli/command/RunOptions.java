package prefdyn.cli.command;

import picocli.CommandLine.Option;
import prefdyn.cli.base.UserError;
import prefdyn.cli.engine.Engines;
import prefdyn.cli.run.DataRules;
import prefdyn.cli.run.DataSettings;
import prefdyn.datasets.PairRules;
import prefdyn.cli.run.DpoLossSettings;
import prefdyn.cli.run.EvaluationSettings;
import prefdyn.cli.run.GPasses;
import prefdyn.cli.run.GroupObjectiveSettings;
import prefdyn.cli.run.MeasurementSettings;
import prefdyn.cli.run.ModelSettings;
import prefdyn.cli.run.Objective;
import prefdyn.cli.run.PpoSettings;
import prefdyn.cli.run.RunConfig;
import prefdyn.cli.run.StepSettings;
import prefdyn.cli.run.ComponentNorms;

import java.nio.file.Path;

/** The settings of one training run, as flags ({@code train}); see {@link RunConfig} for their meaning. */
public final class RunOptions {

    @Option(names = "--objective", defaultValue = "dpo",
            description = "sft, dpo, ppo, grpo or rloo. Default: ${DEFAULT-VALUE}.")
    String objective;

    @Option(names = "--variant", defaultValue = "standard",
            description = "DPO: standard, positive-only, negative-only, unweighted, controlled, hard-switch, "
                    + "coordinated. PPO: standard, positive-only, negative-only, unweighted, controlled, top-tertile, "
                    + "middle-tertile, bottom-tertile. GRPO and RLOO: PPO's. Default: ${DEFAULT-VALUE}.")
    String variant;

    @Option(names = "--loss-type", defaultValue = "sigmoid", paramLabel = "TYPE",
            description = "DPO loss (TRL's loss_type names): sigmoid, hinge, ipo, conservative, robust, simpo, "
                    + "apo_zero, nca_pair, and bpo (BPO's balanced margin). Default: ${DEFAULT-VALUE}.")
    String lossType;

    @Option(names = "--label-smoothing", defaultValue = "0",
            description = "The conservative and robust DPO losses' label smoothing, in [0, 0.5). "
                    + "Default: ${DEFAULT-VALUE}.")
    double labelSmoothing;

    @Option(names = "--simpo-gamma", paramLabel = "GAMMA",
            description = "SimPO's target reward margin (TRL's simpo_gamma), for --loss-type simpo. Default: 0.5.")
    Double simpoGamma;

    @Option(names = "--bpo-alpha", paramLabel = "ALPHA",
            description = "BPO's gap adaptor alpha in (0, 1], for --loss-type bpo. Default: 0.3.")
    Double bpoAlpha;

    @Option(names = "--beta", defaultValue = "0.1", description = "DPO's beta. Default: ${DEFAULT-VALUE}.")
    double beta;

    @Option(names = "--engine", defaultValue = "reference",
            description = "reference (float64), accelerated (float32 OpenCL twin) or vector (float32 Vector API, CPU). "
                    + "Default: ${DEFAULT-VALUE}.")
    String engine;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of data order and sampling. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--steps", defaultValue = "40", description = "Optimizer steps. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--batch", defaultValue = "8",
            description = "Pairs per DPO step, prompts per PPO step, completions per GRPO/RLOO step (TRL's "
                    + "generation_batch_size, a multiple of --num-generations), windows per SFT step. "
                    + "Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--lr", defaultValue = "5e-4", description = "AdamW learning rate. Default: ${DEFAULT-VALUE}.")
    double lr;

    @Option(names = "--pairs", paramLabel = "FILE",
            description = "DPO training pairs, TRL JSONL (prompt, chosen, rejected). Default: on-policy IMDb pairs.")
    Path pairs;

    @Option(names = "--heldout-pairs", paramLabel = "FILE",
            description = "Pairs for the held-out likelihood probe, TRL JSONL.")
    Path heldoutPairs;

    @Option(names = "--checkpoint", defaultValue = Engines.COMMITTED_SFT, paramLabel = "DIR",
            description = "Start model and frozen reference. Default: ${DEFAULT-VALUE}.")
    String checkpoint;

    @Option(names = "--threads", description = "Threads (results are identical for any count). Default: all cores.")
    Integer threads;

    @Option(names = "--prompts", defaultValue = "64",
            description = "IMDb training prompts: for on-policy DPO pairs, or the prompt set of PPO, GRPO and RLOO. "
                    + "Default: ${DEFAULT-VALUE}.")
    int prompts;

    @Option(names = "--candidates", defaultValue = "4",
            description = "Samples per prompt for on-policy pairs (best vs worst). Default: ${DEFAULT-VALUE}.")
    int candidates;

    @Option(names = "--kl-coef", defaultValue = "0.05", description = "PPO's KL coefficient. Default: ${DEFAULT-VALUE}.")
    double klCoef;

    @Option(names = "--ppo-epochs", defaultValue = "2", description = "PPO epochs per batch. Default: ${DEFAULT-VALUE}.")
    int ppoEpochs;

    @Option(names = "--ppo-minibatches", defaultValue = "2",
            description = "PPO minibatches per epoch. Default: ${DEFAULT-VALUE}.")
    int ppoMiniBatches;

    @Option(names = "--response-tokens", defaultValue = "32",
            description = "PPO/GRPO/RLOO rollout length in tokens (GRPO's max_completion_length). "
                    + "Default: ${DEFAULT-VALUE}.")
    int responseTokens;

    @Option(names = "--num-generations", paramLabel = "G",
            description = "GRPO/RLOO: completions per prompt, at least 2 (TRL's num_generations). Default: 8 for "
                    + "GRPO, 2 for RLOO (TRL's).")
    Integer numGenerations;

    @Option(names = "--grpo-loss-type", paramLabel = "grpo|dr_grpo|dapo",
            description = "GRPO's loss aggregation (TRL's loss_type). Default: dapo.")
    String grpoLossType;

    @Option(names = "--scale-rewards", paramLabel = "group|batch|none",
            description = "GRPO's advantage scaling (TRL's scale_rewards). Default: group.")
    String scaleRewards;

    @Option(names = "--kl-beta", paramLabel = "BETA",
            description = "GRPO/RLOO: the KL coefficient β >= 0 (TRL's beta). Default: 0.0 for GRPO, 0.05 for RLOO "
                    + "(TRL's).")
    Double klBeta;

    @Option(names = "--epsilon", defaultValue = "0.2",
            description = "GRPO/RLOO: the lower clip 1 - epsilon (TRL's epsilon). Default: ${DEFAULT-VALUE}.")
    double epsilon;

    @Option(names = "--epsilon-high",
            description = "GRPO/RLOO: the upper clip 1 + epsilon_high (TRL's epsilon_high). Default: --epsilon.")
    Double epsilonHigh;

    @Option(names = "--num-iterations", defaultValue = "1",
            description = "GRPO/RLOO: updates per generation batch (TRL's num_iterations). Default: ${DEFAULT-VALUE}.")
    int numIterations;

    @Option(names = "--adaptive-clipping",
            description = "PPO/GRPO/RLOO: BAPO's adaptive clipping bounds (the authors' defaults) instead of the "
                    + "fixed epsilons (PPO: instead of 1 -/+ 0.2).")
    boolean adaptiveClipping;

    @Option(names = "--bapo-target", paramLabel = "RHO",
            description = "PPO/GRPO/RLOO with --adaptive-clipping: BAPO's target share of the positive tokens, in "
                    + "(0, 1). Default: 0.5 (the authors').")
    Double bapoTarget;

    @Option(names = "--normalize-advantages",
            description = "RLOO: whiten the leave-one-out advantages over the batch (TRL's normalize_advantages).")
    boolean normalizeAdvantages;

    @Option(names = "--measure-every", defaultValue = "5",
            description = "analyze: measure G every K steps. Default: ${DEFAULT-VALUE}.")
    int measureEvery;

    @Option(names = "--g-passes", defaultValue = GPasses.EVERY, paramLabel = "every|linear",
            description = "analyze: " + GPasses.DESCRIPTION)
    String gPasses;

    @Option(names = ComponentNorms.OPTION, description = ComponentNorms.DESCRIPTION)
    boolean componentNorms;

    @Option(names = "--final-prompts", defaultValue = "8",
            description = "analyze: held-out prompts of D' (greedy final responses). Default: ${DEFAULT-VALUE}.")
    int finalPrompts;

    @Option(names = "--final-tokens", defaultValue = "32", description = "analyze: D' response length. Default: ${DEFAULT-VALUE}.")
    int finalTokens;

    @Option(names = "--probe-prompts", defaultValue = "8",
            description = "analyze: prompts of the sample probe (reward, judge, KL). Default: ${DEFAULT-VALUE}.")
    int probePrompts;

    @Option(names = "--probe-tokens", defaultValue = "32", description = "analyze: probe sample length. Default: ${DEFAULT-VALUE}.")
    int probeTokens;

    @Option(names = "--probe-pairs", defaultValue = "16",
            description = "analyze: pairs in each likelihood probe. Default: ${DEFAULT-VALUE}.")
    int probePairs;

    @Option(names = "--eval-prompts", defaultValue = "64",
            description = "analyze: held-out prompts of the win rate. Default: ${DEFAULT-VALUE}.")
    int evalPrompts;

    @Option(names = "--eval-tokens", defaultValue = "32", description = "analyze: evaluation sample length. Default: ${DEFAULT-VALUE}.")
    int evalTokens;

    @Option(names = "--data-seed", defaultValue = "778", description = "Seed of the prompt choice. Default: ${DEFAULT-VALUE}.")
    long dataSeed;

    @Option(names = DataRules.OPTION, defaultValue = "trl", paramLabel = "trl|prefdyn-v1",
            description = DataRules.DESCRIPTION)
    String dataRules;

    @Option(names = "--truncation-mode", defaultValue = "keep_start", paramLabel = "keep_start|keep_end",
            description = "trl rules: where a pair longer than --max-length is cut (TRL's truncation_mode): "
                    + "keep_start cuts the responses' ends and drops a pair whose prompt fills it; keep_end cuts the "
                    + "prompt's start. Default: ${DEFAULT-VALUE}.")
    String truncationMode;

    @Option(names = "--max-length", defaultValue = "0",
            description = "trl rules: longest prompt + response in tokens (TRL's max_length); 0 = the model's "
                    + "context. Default: ${DEFAULT-VALUE}.")
    int maxLength;

    @Option(names = "--max-prompt-length", defaultValue = "0",
            description = "trl rules: longest prompt, its last tokens kept (TRL's max_prompt_length); 0 = no limit. "
                    + "Default: ${DEFAULT-VALUE}.")
    int maxPromptLength;

    @Option(names = "--max-completion-length", defaultValue = "0",
            description = "trl rules: longest response with its end-of-text, its first tokens kept (TRL's "
                    + "max_completion_length); 0 = no limit. Default: ${DEFAULT-VALUE}.")
    int maxCompletionLength;

    PairRules pairRules() {
        PairRules.Kind kind = DataRules.parse(dataRules);
        try {
            return kind == PairRules.Kind.PREFDYN_V1 ? PairRules.prefdynV1()
                    : new PairRules(kind, PairRules.TruncationMode.parse(truncationMode), maxLength, maxPromptLength,
                    maxCompletionLength);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }

    RunConfig toConfig(Objective parsed, String pairsPath, String heldoutPath) {
        DpoLossSettings dpo = DpoLossSettings.fromOptions(lossType, beta, labelSmoothing, simpoGamma, bpoAlpha);
        if (candidates < 2) {
            throw new UserError("--candidates must be at least 2, got " + candidates);
        }
        GroupObjectiveSettings group = GroupObjectiveSettings.fromOptions(parsed, numGenerations, grpoLossType,
                scaleRewards, klBeta, epsilon, epsilonHigh, numIterations, adaptiveClipping, normalizeAdvantages,
                bapoTarget);
        return new RunConfig(parsed.cliName() + "/" + variant, parsed, variant, new ModelSettings(checkpoint, engine),
                new StepSettings(seed, steps, batch, lr, componentNorms), new DataSettings(pairsPath, heldoutPath, prompts, dataSeed,
                        pairRules()),
                dpo, new PpoSettings(ppoEpochs, ppoMiniBatches, responseTokens, klCoef,
                        parsed == Objective.PPO && adaptiveClipping, group.bapoTarget()),
                new MeasurementSettings(measureEvery, GPasses.parse(gPasses), finalPrompts, finalTokens, probePrompts,
                        probeTokens, probePairs),
                new EvaluationSettings(evalPrompts, evalTokens), group);
    }

    /** Every input this run reads, by option, so the run directory can be kept apart from them. */
    java.util.Map<String, Path> inputs() {
        java.util.Map<String, Path> inputs = new java.util.LinkedHashMap<>();
        inputs.put("--checkpoint", Engines.isCommitted(checkpoint) ? null : Path.of(checkpoint));
        inputs.put("--pairs", pairs);
        inputs.put("--heldout-pairs", heldoutPairs);
        return inputs;
    }
}
