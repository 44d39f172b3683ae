package prefdyn.reference.grpo;

import org.junit.jupiter.api.Test;
import prefdyn.reference.engine.PolicyEngine;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.ppo.AdaptiveClipping;
import prefdyn.reference.ppo.PpoObjective;
import prefdyn.reference.ppo.RewardFunction;
import prefdyn.reference.util.Parallel;

import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PPO toy task for GRPO and RLOO: reward 1 when the completion's first token is 5, else 0, over a 64-token
 * vocabulary (p(5) ≈ 1/64 at the start). Each objective must push mean p(5 | prompt) over the four prompts above ½
 * within 60 steps of 4 prompts × G completions. Measured with seed 1: GRPO (dapo, G 8) 21 steps, Dr. GRPO with β 0.04
 * and μ = 2 16, GRPO with BAPO bounds and μ = 2 11, positive-only GRPO 18, RLOO (G 4) 32.
 */
class GroupToyTaskTest {

    static final int TARGET = 5;
    static final GptConfig CONFIG = new GptConfig(64, 8, 1, 2, 16, false, false);
    static final List<int[]> PROMPTS = List.of(new int[] {1, 2}, new int[] {3}, new int[] {4, 7, 2}, new int[] {9, 9});
    static final RewardFunction FIRST_TOKEN_IS_TARGET = sequences -> sequences.stream()
            .mapToDouble(s -> s.response()[0] == TARGET ? 1.0 : 0.0).toArray();

    static GroupSettings.Builder toySettings(GroupSettings.Builder builder, int generations) {
        return builder.numGenerations(generations).generationBatchSize(4 * generations).maxCompletionLength(2)
                .learningRate(1e-2).seed(1);
    }

    static ReferenceEngine engine(long seed) {
        return ReferenceEngine.initialized(CONFIG, seed, Parallel.sequential());
    }

    @Test
    void grpoLearnsToAnswerTheRewardedToken() {
        assertThat(stepsToLearn(p -> new GrpoTrainer(p, engine(1), FIRST_TOKEN_IS_TARGET, PROMPTS,
                GrpoConfig.of(toySettings(GroupSettings.grpoDefaults(), 8).build())))).isLessThanOrEqualTo(60);
    }

    @Test
    void drGrpoWithAKlTermLearnsItToo() {
        assertThat(stepsToLearn(p -> new GrpoTrainer(p, engine(1), FIRST_TOKEN_IS_TARGET, PROMPTS,
                GrpoConfig.of(toySettings(GroupSettings.grpoDefaults(), 8).numIterations(2).build())
                        .withBeta(0.04).withLossType(GrpoLossType.DR_GRPO).withScaleRewards(ScaleRewards.NONE))))
                .isLessThanOrEqualTo(60);
    }

    @Test
    void grpoWithBapoClippingLearnsItToo() {
        assertThat(stepsToLearn(p -> new GrpoTrainer(p, engine(1), FIRST_TOKEN_IS_TARGET, PROMPTS,
                GrpoConfig.of(toySettings(GroupSettings.grpoDefaults(), 8).numIterations(2)
                        .adaptiveClipping(AdaptiveClipping.defaults()).build())))).isLessThanOrEqualTo(60);
    }

    @Test
    void rlooLearnsToAnswerTheRewardedToken() {
        assertThat(stepsToLearn(p -> new RlooTrainer(p, engine(1), FIRST_TOKEN_IS_TARGET, PROMPTS,
                RlooConfig.of(toySettings(GroupSettings.rlooDefaults(), 4).build())))).isLessThanOrEqualTo(60);
    }

    @Test
    void positiveLearningAloneLearnsIt() {
        assertThat(stepsToLearn(p -> new GrpoTrainer(p, engine(1), FIRST_TOKEN_IS_TARGET, PROMPTS,
                GrpoConfig.of(toySettings(GroupSettings.grpoDefaults(), 8).objective(PpoObjective.positiveOnly())
                        .build())))).isLessThanOrEqualTo(60);
    }

    /** Steps until mean p(target | prompt) &gt; ½, or 61. */
    static int stepsToLearn(Function<PolicyEngine, GroupTrainer> trainerOf) {
        ReferenceEngine policy = engine(1);
        GroupTrainer trainer = trainerOf.apply(policy);
        assertThat(meanTargetProbability(policy)).isBetween(0.5 / 64, 2.0 / 64);
        for (int step = 1; step <= 60; step++) {
            trainer.step();
            if (meanTargetProbability(policy) > 0.5) {
                return step;
            }
        }
        return 61;
    }

    static double meanTargetProbability(PolicyEngine policy) {
        int[][] tokens = new int[PROMPTS.size()][3];
        int[] lengths = new int[PROMPTS.size()];
        for (int b = 0; b < PROMPTS.size(); b++) {
            System.arraycopy(PROMPTS.get(b), 0, tokens[b], 0, PROMPTS.get(b).length);
            lengths[b] = PROMPTS.get(b).length;
        }
        double[][] logProbs = policy.nextTokenLogProbs(new TokenBatch(tokens, lengths, new boolean[PROMPTS.size()][3]));
        double sum = 0;
        for (double[] row : logProbs) {
            sum += Math.exp(row[TARGET]);
        }
        return sum / PROMPTS.size();
    }
}
