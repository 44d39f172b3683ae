package prefdyn.cli.demo;

import prefdyn.cli.base.UserError;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sizes of a demo. {@code default} is tuned to finish in under five minutes on a two-core machine with the
 * float64 reference engine; {@code tiny} is for tests (seconds). Neither is a full experiment: the report prints
 * these numbers so nobody mistakes it for one.
 *
 * @param pairPrompts     training prompts (half A openings) for on-policy DPO pairs
 * @param heldoutPrompts  held-out prompts (half B openings) for the held-out likelihood probe's pairs
 * @param candidates      k samples per prompt, best vs worst by the NB reward
 * @param dpoSteps        DPO steps
 * @param dpoBatch        pairs per DPO step
 * @param dpoLr           DPO learning rate
 * @param beta            DPO β
 * @param ppoSteps        PPO steps (rollout batches)
 * @param ppoBatch        prompts per PPO rollout batch
 * @param ppoEpochs       PPO epochs per batch
 * @param ppoMiniBatches  PPO minibatches per epoch
 * @param ppoLr           PPO learning rate
 * @param klCoef          PPO's KL coefficient
 * @param ppoPrompts      PPO's prompt set size
 * @param responseTokens  PPO rollout length
 * @param dpoMeasureEvery k of DPO runs
 * @param ppoMeasureEvery k of PPO runs
 * @param finalPrompts    |D′|
 * @param finalTokens     length of D′'s responses
 * @param probePrompts    prompts of the sample probe
 * @param probeTokens     length of the probe samples
 * @param probePairs      pairs in each likelihood probe
 * @param evalPrompts     prompts of the final win rate
 * @param evalTokens      length of the evaluation samples
 */
public record DemoSize(String name, int pairPrompts, int heldoutPrompts, int candidates, int dpoSteps, int dpoBatch,
                       double dpoLr, double beta, int ppoSteps, int ppoBatch, int ppoEpochs, int ppoMiniBatches,
                       double ppoLr, double klCoef, int ppoPrompts, int responseTokens, int dpoMeasureEvery,
                       int ppoMeasureEvery, int finalPrompts, int finalTokens, int probePrompts, int probeTokens,
                       int probePairs, int evalPrompts, int evalTokens) {

    public static DemoSize of(String name) {
        return switch (name) {
            case "default" -> new DemoSize("default", 40, 12, 4, 24, 8, 5e-4, 0.1, 12, 8, 2, 2, 2e-4, 0.05,
                    64, 24, 6, 3, 8, 24, 8, 24, 12, 40, 24);
            case "tiny" -> new DemoSize("tiny", 6, 4, 2, 4, 2, 1e-3, 0.1, 3, 2, 1, 1, 1e-3, 0.05, 6, 8, 2, 2,
                    2, 8, 2, 8, 4, 6, 8);
            default -> throw new UserError("unknown --size '" + name + "'; expected default or tiny");
        };
    }

    private static String plain(double value) {
        return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /** The sizes as JSON, for the demo's config.json and the report. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("size", name);
        json.put("on-policy pair prompts (half A) x candidates", pairPrompts + " x " + candidates);
        json.put("held-out pair prompts (half B)", heldoutPrompts);
        json.put("DPO steps x pairs per step, lr, beta", dpoSteps + " x " + dpoBatch + ", " + plain(dpoLr) + ", "
                + plain(beta));
        json.put("PPO steps x prompts per step, epochs x minibatches, lr, KL coef", ppoSteps + " x " + ppoBatch + ", "
                + ppoEpochs + " x " + ppoMiniBatches + ", " + plain(ppoLr) + ", " + plain(klCoef));
        json.put("PPO prompt set, rollout tokens", ppoPrompts + ", " + responseTokens);
        json.put("G measured every k steps (DPO, PPO)", dpoMeasureEvery + ", " + ppoMeasureEvery);
        json.put("|D'| prompts x tokens (greedy)", finalPrompts + " x " + finalTokens);
        json.put("sample probe prompts x tokens", probePrompts + " x " + probeTokens);
        json.put("likelihood probe pairs (train, held-out)", probePairs);
        json.put("win-rate prompts x tokens", evalPrompts + " x " + evalTokens);
        return json;
    }
}
