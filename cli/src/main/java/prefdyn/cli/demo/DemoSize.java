package prefdyn.cli.demo;

import prefdyn.cli.base.UserError;
import prefdyn.cli.run.EvaluationSettings;
import prefdyn.cli.run.PpoSettings;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sizes of a demo, as named presets ({@link #DEFAULT}, {@link #STUDY}, {@link #TINY}). None is the paper's
 * experiment: the report prints these numbers so nobody mistakes it for one.
 *
 * @param name       the preset's name ({@code --size})
 * @param startModel the start model when {@code --checkpoint} is not given: a committed model's name
 * @param pairs      the on-policy pairs
 * @param beta       DPO's β
 * @param dpo        the DPO runs' steps
 * @param ppo        the PPO runs' steps
 * @param ppoRollout PPO's epochs, minibatches, rollout length and KL coefficient
 * @param ppoPrompts PPO's prompt set size
 * @param probes     D′ and the probes
 * @param evaluation the final win rate's prompts and sample length
 * @param group      the GRPO and RLOO runs' steps (batch: completions per step) and group size G; their prompts
 *                   and rollout length are PPO's
 */
public record DemoSize(String name, String startModel, Pairs pairs, double beta, Steps dpo, Steps ppo, PpoSettings ppoRollout,
                       int ppoPrompts, Probes probes, EvaluationSettings evaluation, Group group) {

    /**
     * The group objectives' steps.
     *
     * @param steps          optimizer steps, completions per step ({@code batch}), learning rate, G every k steps
     * @param numGenerations G, completions per prompt
     */
    public record Group(Steps steps, int numGenerations) {
    }

    /**
     * The DPO runs' preference pairs, and where they come from.
     *
     * @param source         on-policy (the start model's samples ranked by the NB reward, the DPO paper's protocol) or
     *                       human (continuations of one opening by a positive and by a negative review of the
     *                       committed sample; {@code docs/paper-map.md}, "The demo's pairs")
     * @param trainPrompts   on-policy: training prompts (half A openings); human: the most pairs used (half A)
     * @param heldoutPrompts on-policy: held-out prompts (half B openings); human: the most held-out pairs (half B),
     *                       for the held-out likelihood probe
     * @param candidates     on-policy: k samples per prompt, best vs worst by the NB reward (unused for human pairs)
     */
    public record Pairs(Source source, int trainPrompts, int heldoutPrompts, int candidates) {

        /** On-policy pairs with the given sizes. */
        public Pairs(int trainPrompts, int heldoutPrompts, int candidates) {
            this(Source.ON_POLICY, trainPrompts, heldoutPrompts, candidates);
        }
    }

    /** Where a demo's DPO pairs come from. */
    public enum Source {
        ON_POLICY("on-policy"), HUMAN("human");

        private final String cliName;

        Source(String cliName) {
            this.cliName = cliName;
        }

        /** The name in config.json and the report. */
        public String cliName() {
            return cliName;
        }
    }

    /**
     * The optimizer steps of one objective's runs.
     *
     * @param steps        optimizer steps (PPO: rollout batches)
     * @param batch        pairs per DPO step, prompts per PPO rollout batch
     * @param learningRate AdamW learning rate
     * @param measureEvery k: G and the probes every k steps
     */
    public record Steps(int steps, int batch, double learningRate, int measureEvery) {

        /**
         * How many times a run of these steps measures G: at t = 0, k, 2k, … &lt; T ({@code DynamicsRun.replay})
         * and once more at T ({@code Analysis}), ⌈T / k⌉ + 1.
         */
        public int gPoints() {
            return (steps + measureEvery - 1) / measureEvery + 1;
        }
    }

    /**
     * D′ and the probes.
     *
     * @param finalPrompts |D′|, held-out prompts answered greedily by the final policy
     * @param finalTokens  length of D′'s responses
     * @param probePrompts prompts of the sample probe
     * @param probeTokens  length of the probe samples
     * @param probePairs   pairs in each likelihood probe
     */
    public record Probes(int finalPrompts, int finalTokens, int probePrompts, int probeTokens, int probePairs) {
    }

    /**
     * The demo a newcomer runs: the committed BPE start model ({@code committed-start}) on the float32 vector
     * engine, about five minutes on a two-core machine (README, "What ./prefdyn demo does", has the measured times).
     */
    public static final DemoSize DEFAULT = new DemoSize("default", "committed-start",
            new Pairs(Source.HUMAN, 256, 64, 0), // human pairs: at most 256 (half A; the sample holds 118), 64 held-out
            0.1,                             // beta
            new Steps(40, 8, 5e-4, 4),       // DPO: 40 steps of 8 pairs, lr 5e-4, G every 4 steps (11 points)
            new Steps(20, 16, 4e-4, 2),      // PPO: 20 steps of 16 prompts, lr 4e-4, G every 2 steps (11 points)
            new PpoSettings(2, 2, 32, 0.1),  // 2 epochs x 2 minibatches, rollouts of 32 tokens, KL coef 0.1
            128,                             // PPO's prompt set
            new Probes(8, 32, 8, 32, 12),    // |D'| 8 x 32 tokens, sample probe 8 x 32 tokens, 12 probe pairs
            new EvaluationSettings(300, 64), // win rate over 300 prompts of 64 tokens
            new Group(new Steps(12, 16, 2e-4, 3), 4)); // GRPO/RLOO: 12 steps of 4 prompts x 4 completions

    /**
     * A size meant to decide claims 1 and 2 of arXiv 2512.00778 (DPO's G stays positive; PPO's G is near zero or
     * changes sign, with a smaller normalised magnitude than DPO's) over many seeds: the default's start model,
     * learning rates, β, KL coefficient, probes, D′ and win rate; the length of the runs, their batches, PPO's
     * prompt set, the number of G points and the source of DPO's pairs (on-policy, so that DPO does not run over
     * the same few pairs until its loss saturates) change. Every run type measures G at least 21 times
     * (steps / k = 20, plus the final step), against the default's 11 (DPO, PPO) and 5 (GRPO/RLOO), so a seed's
     * fraction of steps with G &gt; 0 moves in steps of 1/21 rather than 1/11. One seed of ten runs takes about 18
     * minutes on two otherwise idle cores (README, "A study run").
     */
    public static final DemoSize STUDY = new DemoSize("study", "committed-start",
            // On-policy pairs (the DPO paper's IMDb protocol, App. C.1): 4 samples of the start model for each of
            // 768 half-A openings, best vs worst by the NB reward, so that the 60 x 12 = 720 pair visits below are
            // one pass over distinct pairs (a pilot with 512 openings went into a second pass at step 43, and the
            // loss fell from 0.32 to 0.02 by step 48 on pairs it had seen). The default's human pairs (118 in the
            // sample's half A) would be 6 passes, and a pilot seed (seed 1) showed what that does: the loss falls from 0.69 to 0.03 by step
            // 12 and 0.0003 by step 24, the gradient vanishes, and G, 40 to 190 over the first steps, stays within
            // 0.06 of 0 from step 24 on with either sign (10 of those 13 measured steps negative), so the fraction
            // of steps with G > 0 (0.52) measured the saturation, not the direction of learning.
            // 64 held-out openings x 4 give the held-out probe's pairs.
            new Pairs(768, 64, 4),
            0.1,                             // beta, the default's
            // DPO: 60 steps (1.5x: "stays positive" tested over a longer run, about 6 passes over the 118 pairs
            // against the default's 2.7) of 12 pairs (1.5x: the batch gradient in G(L; θ(t)) = g'ᵀ∇L(D_t) a
            // sqrt(1.5) less noisy), the default's lr 5e-4; G every 3 steps: 60 / 3 = 20, 21 points.
            new Steps(60, 12, 5e-4, 3),
            // PPO: 40 steps (2x) of 32 prompts (2x: each rollout batch's G is averaged over twice the responses, so
            // a sign change of G is less often batch noise), the default's lr 4e-4; G every 2 steps: 21 points.
            new Steps(40, 32, 4e-4, 2),
            new PpoSettings(2, 2, 32, 0.1),  // the default's: 2 epochs x 2 minibatches, 32-token rollouts, KL 0.1
            // PPO's prompt set 512 (4x): 40 x 32 = 1,280 prompts drawn, 2.5 passes over the set as in the default
            // (20 x 16 over 128); the sample's half A has 2,000 reviews to open.
            512,
            new Probes(8, 32, 8, 32, 12),    // the default's: G is the same measurement, only more often
            new EvaluationSettings(300, 64), // the default's win rate (claims 1 and 2 do not use it)
            // GRPO/RLOO (not among reproduce's default runs): 40 steps of the default's 4 prompts x 4 completions,
            // G every 2 steps: 21 points.
            new Group(new Steps(40, 16, 2e-4, 2), 4));

    /** Seconds; for tests and pipeline checks. */
    public static final DemoSize TINY = new DemoSize("tiny", "committed-sft",
            new Pairs(6, 4, 2),             // 6 train prompts, 4 held-out prompts, 2 candidates each
            0.1,                            // beta
            new Steps(4, 2, 1e-3, 2),       // DPO: 4 steps of 2 pairs, lr 1e-3, G every 2 steps
            new Steps(3, 2, 1e-3, 2),       // PPO: 3 steps of 2 prompts, lr 1e-3, G every 2 steps
            new PpoSettings(1, 1, 8, 0.05), // 1 epoch x 1 minibatch, rollouts of 8 tokens, KL coef 0.05
            6,                              // PPO's prompt set
            new Probes(2, 8, 2, 8, 4),      // |D'| 2 x 8 tokens, sample probe 2 x 8 tokens, 4 probe pairs
            new EvaluationSettings(6, 8),   // win rate over 6 prompts of 8 tokens
            new Group(new Steps(3, 4, 1e-3, 2), 2)); // GRPO/RLOO: 3 steps of 2 prompts x 2 completions

    /** The preset named {@code name} ({@code --size}). */
    public static DemoSize of(String name) {
        return switch (name) {
            case "default" -> DEFAULT;
            case "tiny" -> TINY;
            case "study" -> STUDY;
            default -> throw new UserError("unknown --size '" + name + "'; expected default, study or tiny");
        };
    }

    private static String plain(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /** The sizes as JSON, for the demo's config.json and the report. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("size", name);
        if (pairs.source() == Source.ON_POLICY) {
            json.put("on-policy pair prompts (half A) x candidates", pairs.trainPrompts() + " x " + pairs.candidates());
            json.put("held-out pair prompts (half B)", pairs.heldoutPrompts());
        } else {
            json.put("human pairs, most (half A)", pairs.trainPrompts());
            json.put("held-out human pairs, most (half B)", pairs.heldoutPrompts());
        }
        json.put("DPO steps x pairs per step, lr, beta", dpo.steps() + " x " + dpo.batch() + ", "
                + plain(dpo.learningRate()) + ", " + plain(beta));
        json.put("PPO steps x prompts per step, epochs x minibatches, lr, KL coef", ppo.steps() + " x " + ppo.batch()
                + ", " + ppoRollout.epochs() + " x " + ppoRollout.miniBatches() + ", " + plain(ppo.learningRate())
                + ", " + plain(ppoRollout.klCoef()));
        json.put("PPO prompt set, rollout tokens", ppoPrompts + ", " + ppoRollout.responseTokens());
        json.put("GRPO/RLOO steps x completions per step (G per prompt), lr", group.steps().steps() + " x "
                + group.steps().batch() + " (" + group.numGenerations() + "), " + plain(group.steps().learningRate()));
        json.put("G measured every k steps (DPO, PPO, GRPO/RLOO)", dpo.measureEvery() + ", " + ppo.measureEvery()
                + ", " + group.steps().measureEvery());
        json.put("|D'| prompts x tokens (greedy)", probes.finalPrompts() + " x " + probes.finalTokens());
        json.put("sample probe prompts x tokens", probes.probePrompts() + " x " + probes.probeTokens());
        json.put("likelihood probe pairs (train, held-out)", probes.probePairs());
        json.put("win-rate prompts x tokens", evaluation.prompts() + " x " + evaluation.tokens());
        return json;
    }
}
