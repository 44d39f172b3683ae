package prefdyn.reference.ppo;

import org.junit.jupiter.api.Test;
import prefdyn.reference.data.PromptResponse;
import prefdyn.reference.data.SequenceBatches;
import prefdyn.reference.engine.ForwardResult;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.NonFiniteValueException;
import prefdyn.reference.sampling.Sampler;
import prefdyn.reference.sampling.SamplingSettings;
import prefdyn.reference.tokenizer.ByteTokenizer;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class RolloutCollectorTest {

    private static final GptConfig CONFIG = new GptConfig(ByteTokenizer.VOCAB_SIZE, 16, 1, 2, 8, false, false);
    private static final SamplingSettings SAMPLING = SamplingSettings.sampled(1.0, 4);
    private static final RewardFunction LENGTH = sequences -> sequences.stream()
            .mapToDouble(s -> s.responseLength()).toArray();

    private final ReferenceEngine policy = PpoFixtures.engine(CONFIG, 1);
    private final ReferenceEngine reference = PpoFixtures.engine(CONFIG, 2);
    private final ReferenceEngine critic = PpoFixtures.engine(CONFIG.withValueHead(true), 3);

    private static List<PromptResponse> sequences() {
        return List.of(new PromptResponse(ByteTokenizer.encode("ab"), ByteTokenizer.encode("cde")),
                new PromptResponse(ByteTokenizer.encode("f"), ByteTokenizer.encode("gh")),
                new PromptResponse(ByteTokenizer.encode("ijkl"), ByteTokenizer.encode("m")));
    }

    @Test
    void evaluateReadsLogProbsAndValuesAtTheRightPositions() {
        RolloutCollector collector = new RolloutCollector(policy, reference, critic, LENGTH, SAMPLING);
        Rollout rollout = collector.evaluate(sequences());
        TokenBatch batch = SequenceBatches.of(sequences(), CONFIG.contextLength());
        ForwardResult policyResult = policy.forward(batch);
        ForwardResult referenceResult = reference.forward(batch);
        ForwardResult criticResult = critic.forward(batch);
        boolean[][] mask = batch.responseMask();
        for (int b = 0; b < 3; b++) {
            for (int t = 0; t < batch.width(); t++) {
                if (mask[b][t]) {
                    assertThat(rollout.oldLogProbs()[b][t]).isEqualTo(policyResult.tokenLogProbs()[b][t]);
                    assertThat(rollout.refLogProbs()[b][t]).isEqualTo(referenceResult.tokenLogProbs()[b][t]);
                    assertThat(rollout.entropies()[b][t]).isEqualTo(policyResult.entropies()[b][t]);
                    assertThat(rollout.oldValues()[b][t]).isEqualTo(criticResult.values()[b][t - 1]);
                } else {
                    assertThat(rollout.oldLogProbs()[b][t]).isEqualTo(0.0);
                    assertThat(rollout.oldValues()[b][t]).isEqualTo(0.0);
                }
            }
        }
        assertThat(rollout.scores()).containsExactly(3, 2, 1);
    }

    @Test
    void collectSamplesWithTheSamplerAndItsSeed() {
        RolloutCollector collector = new RolloutCollector(policy, reference, critic, LENGTH, SAMPLING);
        List<int[]> prompts = List.of(ByteTokenizer.encode("hi"), ByteTokenizer.encode("x"));
        Rollout rollout = collector.collect(prompts, 77);
        List<int[]> expected = Sampler.generate(policy, prompts, SAMPLING, 77);
        for (int i = 0; i < prompts.size(); i++) {
            assertThat(rollout.sequences().get(i).prompt()).containsExactly(prompts.get(i));
            assertThat(rollout.sequences().get(i).response()).containsExactly(expected.get(i));
        }
    }

    @Test
    void theReferenceMustNotBeThePolicyObject() {
        assertThatThrownBy(() -> new RolloutCollector(policy, policy, critic, LENGTH, SAMPLING))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reference model is the policy object itself");
        assertThatThrownBy(() -> new RolloutCollector(policy, reference, policy, LENGTH, SAMPLING))
                .hasMessageContaining("value model is the policy object itself");
        assertThatThrownBy(() -> new RolloutCollector(policy, critic, critic, LENGTH, SAMPLING))
                .hasMessageContaining("value model is the reference object");
        assertThatThrownBy(() -> new RolloutCollector(policy, reference, PpoFixtures.engine(CONFIG, 4), LENGTH, SAMPLING))
                .hasMessageContaining("needs a value head");
        assertThatThrownBy(() -> new RolloutCollector(policy, reference, critic, LENGTH, SamplingSettings.sampled(0.7, 4)))
                .hasMessageContaining("temperature 1.0 only, got 0.7");
        ReferenceEngine otherVocabulary = PpoFixtures.engine(new GptConfig(11, 16, 1, 2, 8, false, false), 5);
        assertThatThrownBy(() -> new RolloutCollector(policy, otherVocabulary, critic, LENGTH, SAMPLING))
                .hasMessageContaining("vocabulary size 11");
    }

    @Test
    void emptyPromptsAndBadScoresGiveClearErrors() {
        RolloutCollector collector = new RolloutCollector(policy, reference, critic, LENGTH, SAMPLING);
        assertThatThrownBy(() -> collector.collect(List.of(ByteTokenizer.encode("a"), new int[0]), 1))
                .hasMessageContaining("prompt 1 is empty");
        assertThatThrownBy(() -> collector.collect(List.of(), 1)).hasMessageContaining("at least one prompt");
        RolloutCollector nan = new RolloutCollector(policy, reference, critic, s -> new double[] {0, Double.NaN, 0},
                SAMPLING);
        assertThatThrownBy(() -> nan.evaluate(sequences()))
                .isInstanceOf(NonFiniteValueException.class)
                .hasMessageContaining("sequence 1")
                .satisfies(e -> assertThat(((NonFiniteValueException) e).sequence()).isEqualTo(1));
        RolloutCollector shortScores = new RolloutCollector(policy, reference, critic, s -> new double[] {0},
                SAMPLING);
        assertThatThrownBy(() -> shortScores.evaluate(sequences())).hasMessageContaining("returned 1 scores for 3");
    }

    /** The score is the reward head at the last real token, whatever the sequence is batched with. */
    @Test
    void rewardModelScoresTheLastRealTokenIndependentlyOfPadding() {
        ReferenceEngine rewardModel = PpoFixtures.engine(CONFIG.withRewardHead(true), 6);
        RewardModelScorer scorer = new RewardModelScorer(rewardModel);
        List<PromptResponse> batch = sequences();
        double[] batched = scorer.score(batch);
        for (int b = 0; b < batch.size(); b++) {
            PromptResponse alone = batch.get(b);
            TokenBatch single = SequenceBatches.of(List.of(alone), CONFIG.contextLength());
            double expected = rewardModel.forward(single).rewards()[0][alone.length() - 1];
            assertThat(batched[b]).isCloseTo(expected, within(1e-12 * Math.max(1, Math.abs(expected))));
            assertThat(scorer.score(List.of(alone))[0]).isEqualTo(expected);
        }
        assertThatThrownBy(() -> new RewardModelScorer(policy)).hasMessageContaining("reward head");
    }

    @Test
    void textRewardDecodesPromptAndResponse() {
        RewardFunction containsGreat = RewardFunction.ofText(prefdyn.reference.tokenizer.ByteTokenizer.asTokenizer(), (prompt, response) ->
                (prompt + response).contains("great") ? 1.0 : 0.0);
        List<PromptResponse> sequences = List.of(
                new PromptResponse(ByteTokenizer.encode("so gr"), ByteTokenizer.encode("eat!")),
                new PromptResponse(ByteTokenizer.encode("so "), new int[] {'o', 'k', ByteTokenizer.END_OF_TEXT}));
        assertThat(containsGreat.score(sequences)).containsExactly(1, 0);
    }
}
