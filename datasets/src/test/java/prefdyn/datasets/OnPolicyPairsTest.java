package prefdyn.datasets;

import org.junit.jupiter.api.Test;
import prefdyn.reference.checkpoint.LoadedCheckpoint;
import prefdyn.reference.dpo.PreferenceExample;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.model.GptModel;
import prefdyn.reference.util.Parallel;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OnPolicyPairsTest {

    /**
     * The DPO paper's protocol on the committed SFT model: k samples per prompt ranked by the Naive-Bayes reward.
     * Every pair's chosen continuation scores strictly higher than its rejected one, the two differ, and the same
     * seed gives the same pairs.
     */
    @Test
    void bestVsWorstOfTheSftModelsSamples() {
        LoadedCheckpoint checkpoint = ImdbModels.committedSft();
        ReferenceEngine sft = new ReferenceEngine(new GptModel(checkpoint.config(), Parallel.sequential()));
        sft.setParameters(checkpoint.parameters());
        ImdbSplit sample = ImdbSample.load();
        NaiveBayesSentiment reward = NaiveBayesSentiment.train(sample.halfA());
        List<String> prompts = Prompts.training(sample, 6, 3);

        List<PreferencePair> pairs = OnPolicyPairs.generate(sft, checkpoint.tokenizer(), prompts, 3, Reward.ofFullText(reward::score), 11);
        List<PreferencePair> again = OnPolicyPairs.generate(sft, checkpoint.tokenizer(), prompts, 3, Reward.ofFullText(reward::score), 11);

        assertThat(pairs).isNotEmpty().hasSizeLessThanOrEqualTo(6).isEqualTo(again);
        for (PreferencePair pair : pairs) {
            assertThat(pair.chosen()).isNotEqualTo(pair.rejected());
            assertThat(reward.score(pair.prompt() + pair.chosen()))
                    .isGreaterThan(reward.score(pair.prompt() + pair.rejected()));
        }
        List<PreferenceExample> examples = PairEncoder.encode(pairs, checkpoint.tokenizer(), 64,
                PairRules.prefdynV1()).examples();
        assertThat(examples).isNotEmpty();
        for (PreferenceExample example : examples) {
            assertThat(example.prompt().length).isLessThanOrEqualTo(ImdbModels.promptBudget(64));
            assertThat(example.chosen().length).isLessThanOrEqualTo(ImdbModels.responseBudget(64));
        }
    }

    @Test
    void needsAtLeastTwoCandidates() {
        assertThatThrownBy(() -> OnPolicyPairs.generate(null, null, List.of("a b"), 1, (p, c) -> 0, 1))
                .hasMessageContaining("candidates");
    }
}
