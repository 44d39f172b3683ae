package prefdyn.reference.grpo;

import prefdyn.reference.engine.PolicyEngine;
import prefdyn.reference.ppo.RewardFunction;
import prefdyn.reference.ppo.Rollout;

import java.util.List;
import java.util.Map;

/**
 * GRPO as TRL's {@code GRPOTrainer} defines it (Shao et al. 2402.03300; {@code docs/paper-map.md}, "GRPO"):
 * group-normalised sequence advantages ({@link GroupAdvantages#grpo}), the token-level clipped ratio, the k3 KL term
 * with coefficient β in the loss and the {@link GrpoLossType} aggregation ({@link GroupPolicyLoss#grpo}). The loop,
 * the metrics and the decomposition are {@link GroupTrainer}'s; TRL's metric {@code kl} is the token mean of k3.
 */
public final class GrpoTrainer extends GroupTrainer {

    private final GrpoConfig config;

    /**
     * @param reference a separate, frozen engine (the initial policy); its log-probs enter the loss when β &gt; 0
     */
    public GrpoTrainer(PolicyEngine policy, PolicyEngine reference, RewardFunction rewardFunction,
                       List<int[]> prompts, GrpoConfig config) {
        super(policy, reference, rewardFunction, prompts, config.group());
        this.config = config;
    }

    public GrpoConfig config() {
        return config;
    }

    @Override
    double[] sequenceAdvantages(Rollout rollout) {
        return GroupAdvantages.grpo(rollout.scores(), config.group().numGenerations(), config.scaleRewards());
    }

    @Override
    GroupLossResult loss(double[][] logProbs, Rollout rollout, double[][] advantages, int[][] tertiles, double low,
                         double high) {
        return GroupPolicyLoss.grpo(logProbs, rollout.oldLogProbs(), rollout.refLogProbs(), advantages,
                rollout.mask(), tertiles, low, high, config.beta(), config.lossType(),
                config.group().maxCompletionLength());
    }

    @Override
    double[][] ratios(double[][] logProbs, double[][] oldLogProbs, boolean[][] mask) {
        double[][] ratios = new double[mask.length][];
        for (int b = 0; b < mask.length; b++) {
            ratios[b] = new double[mask[b].length];
            for (int t = 0; t < mask[b].length; t++) {
                ratios[b][t] = mask[b][t] ? Math.exp(logProbs[b][t] - oldLogProbs[b][t]) : 0.0;
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
        return "GRPO";
    }
}
