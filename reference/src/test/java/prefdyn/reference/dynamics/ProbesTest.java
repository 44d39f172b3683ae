package prefdyn.reference.dynamics;

import org.junit.jupiter.api.Test;
import prefdyn.reference.dpo.PreferenceExample;
import prefdyn.reference.dpo.ReferenceLogProbs;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.ppo.RewardFunction;
import prefdyn.reference.sampling.SamplingSettings;
import prefdyn.reference.tokenizer.ByteTokenizer;
import prefdyn.reference.util.Parallel;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ProbesTest {

    private static final GptConfig CONFIG = new GptConfig(ByteTokenizer.VOCAB_SIZE, 16, 1, 2, 8, false, false);

    /** Known answer: at policy = reference every margin is exactly 0, so ranking accuracy (strict) is 0. */
    @Test
    void pairProbeAtTheReferencePoint() {
        ReferenceEngine policy = ReferenceEngine.initialized(CONFIG, 4, Parallel.sequential());
        List<PreferenceExample> pairs = List.of(
                new PreferenceExample(ByteTokenizer.encode("a"), ByteTokenizer.encode("good"), ByteTokenizer.encode("bad")),
                new PreferenceExample(ByteTokenizer.encode("b"), ByteTokenizer.encode("yes"), ByteTokenizer.encode("no")));
        ReferenceLogProbs reference = ReferenceLogProbs.compute(policy, pairs, 1);

        Map<String, Double> values = new PairLikelihoodProbe("train", pairs, reference, 1).measure(policy);

        assertThat(values.get("train/margin")).isEqualTo(0.0);
        assertThat(values.get("train/ranking_accuracy")).isEqualTo(0.0);
        assertThat(values.get("train/logps/chosen"))
                .isCloseTo((reference.chosen()[0] + reference.chosen()[1]) / 2, within(1e-12));
    }

    /** Known answers: KL of a policy to an identical reference is exactly 0; a constant scorer averages to itself. */
    @Test
    void sampleProbeAgainstAnIdenticalReference() {
        ReferenceEngine policy = ReferenceEngine.initialized(CONFIG, 5, Parallel.sequential());
        ReferenceEngine reference = ReferenceEngine.initialized(CONFIG, 5, Parallel.sequential());
        SampleProbe probe = new SampleProbe(List.of(ByteTokenizer.encode("x"), ByteTokenizer.encode("yz")),
                SamplingSettings.sampled(1.0, 5), 9, reference, Map.of("constant", RewardFunction.ofText(prefdyn.reference.tokenizer.ByteTokenizer.asTokenizer(), (p, r) -> 2.5)));

        Map<String, Double> values = probe.measure(policy);

        assertThat(values.get("samples/kl")).isEqualTo(0.0);
        assertThat(values.get("samples/constant")).isEqualTo(2.5);
        assertThat(values.get("samples/entropy")).isBetween(0.0, Math.log(ByteTokenizer.VOCAB_SIZE));
        assertThat(values.get("samples/max_prob")).isBetween(1.0 / ByteTokenizer.VOCAB_SIZE, 1.0);
        assertThat(values.get("samples/length")).isBetween(1.0, 5.0);
    }
}
