package prefdyn.reference.grpo;

import prefdyn.reference.engine.PolicyEngine;
import prefdyn.reference.ppo.KlEstimator;
import prefdyn.reference.ppo.KlPenalty;
import prefdyn.reference.ppo.RewardFunction;
import prefdyn.reference.ppo.Rollout;

import java.util.List;
import java.util.Map;

/**
 * RLOO as TRL's {@code RLOOTrainer} defines it (Ahmadian et al. 2402.14740; {@code docs/paper-map.md}, "RLOO"):
 * the KL folded into the reward as r_b = score_b − β·Σ_t (lp_old,t − lp_ref,t) (k1, summed over the completion),
 * the leave-one-out baseline ({@link GroupAdvantages#rloo}) and the sequence-level clipped ratio
 * ({@link GroupPolicyLoss#rloo}). TRL's metric {@code kl} is the token mean of k1 here.
 */
public final class RlooTrainer extends GroupTrainer {

    private final RlooConfig config;

    public RlooTrainer(PolicyEngine policy, PolicyEngine reference, RewardFunction rewardFunction,
                       List<int[]> prompts, RlooConfig config) {
        super(policy, reference, rewardFunction, prompts, config.group());
        this.config = config;
    }

    public RlooConfig config() {
        return config;
    }

    /** r_b = score_b − β·Σ_t k1_t, the reward RLOO's baseline is taken over. */
    static double[] rewards(Rollout rollout, double beta) {
        double[][] k1 = KlPenalty.perToken(KlEstimator.K1, rollout.oldLogProbs(), rollout.refLogProbs(),
                rollout.mask());
        double[] rewards = rollout.scores().clone();
        for (int b = 0; b < rewards.length; b++) {
            double sum = 0;
            for (int t = 0; t < k1[b].length; t++) {
                sum += rollout.mask()[b][t] ? k1[b][t] : 0.0;
            }
            rewards[b] -= beta * sum;
        }
        return rewards;
    }

    @Override
    double[] sequenceAdvantages(Rollout rollout) {
        return GroupAdvantages.rloo(rewards(rollout, config.beta()), config.group().numGenerations(),
                config.normalizeAdvantages());
    }

    @Override
    GroupLossResult loss(double[][] logProbs, Rollout rollout, double[][] advantages, int[][] tertiles, double low,
                         double high) {
        return GroupPolicyLoss.rloo(logProbs, rollout.oldLogProbs(), rollout.refLogProbs(), advantages,
                rollout.mask(), tertiles, low, high);
    }

    @Override
    double[][] ratios(double[][] logProbs, double[][] oldLogProbs, boolean[][] mask) {
        double[][] ratios = new double[mask.length][];
        for (int b = 0; b < mask.length; b++) {
            double logRatio = 0;
            for (int t = 0; t < mask[b].length; t++) {
                logRatio += mask[b][t] ? logProbs[b][t] - oldLogProbs[b][t] : 0.0;
            }
            ratios[b] = new double[mask[b].length];
            for (int t = 0; t < mask[b].length; t++) {
                ratios[b][t] = mask[b][t] ? Math.exp(logRatio) : 0.0;
            }
        }
        return ratios;
    }

    @Override
    void putObjectiveMetrics(Map<String, Object> metrics, Experience experience) {
        metrics.put("beta", config.beta());
    }

    @Override
    String name() {
        return "RLOO";
    }
}
