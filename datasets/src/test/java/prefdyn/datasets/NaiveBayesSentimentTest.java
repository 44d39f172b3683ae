package prefdyn.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class NaiveBayesSentimentTest {

    /**
     * The floor for the reward's accuracy on the sample: trained on the sample's half A (2,000 reviews), scored on
     * its half B (2,000 reviews). Measured 0.8525 (2026-11-27); on the full halves (24,789 each) it is 0.8787.
     */
    static final double SAMPLE_ACCURACY_FLOOR = 0.82;

    @Test
    void tokensAndGramsFollowTheRecipe() {
        assertThat(SentimentFeatures.tokens("Don't MISS it!!! 10/10?"))
                .containsExactly("don't", "miss", "it", "!", "!", "!", "10", "10", "?");
        assertThat(SentimentFeatures.grams("good, good film"))
                .containsExactly("good", "good good", "good film", "film");
    }

    @Test
    void knownAnswerLogCountRatiosWorkedByHand() {
        List<Review> reviews = List.of(
                new Review("good fun", 1), new Review("good film", 1), new Review("bad fun", 0));

        // V = {good, fun, good fun, film, good film, bad, bad fun}, |V| = 7.
        // Positive: c⁺ = 2,1,1,1,1,0,0 -> N⁺ = 6 + 7 = 13.  Negative: c⁻ = 0,1,0,0,0,1,1 -> N⁻ = 3 + 7 = 10.
        NaiveBayesSentiment all = NaiveBayesSentiment.train(reviews, 1);
        assertThat(all.featureCount()).isEqualTo(7);
        assertThat(all.ratio("good")).isCloseTo(Math.log(3.0 / 13) - Math.log(1.0 / 10), within(1e-15));
        assertThat(all.ratio("fun")).isCloseTo(Math.log(2.0 / 13) - Math.log(2.0 / 10), within(1e-15));
        assertThat(all.ratio("bad fun")).isCloseTo(Math.log(1.0 / 13) - Math.log(2.0 / 10), within(1e-15));
        assertThat(all.ratio("unseen")).isZero();
        // Repeats count once (binarized); unknown features ("fun !", "good good", ...) add nothing.
        assertThat(all.score("FUN! Good, good unseen"))
                .isCloseTo(all.ratio("good") + all.ratio("fun"), within(1e-15));

        // With minCount 2 only "good" (2 reviews) and "fun" (2) remain: N⁺ = 3 + 2 = 5, N⁻ = 1 + 2 = 3.
        NaiveBayesSentiment pruned = NaiveBayesSentiment.train(reviews, 2);
        assertThat(pruned.featureCount()).isEqualTo(2);
        assertThat(pruned.ratio("good")).isCloseTo(Math.log(3.0 / 5) - Math.log(1.0 / 3), within(1e-15));
        assertThat(pruned.ratio("fun")).isCloseTo(Math.log(2.0 / 5) - Math.log(2.0 / 3), within(1e-15));
        assertThat(pruned.ratio("good film")).isZero();
    }

    @Test
    void heldOutAccuracyOnTheSampleIsAboveTheFloor() {
        ImdbSplit sample = ImdbSample.load();

        NaiveBayesSentiment reward = NaiveBayesSentiment.train(sample.halfA());

        assertThat(reward.accuracy(sample.halfB())).isGreaterThanOrEqualTo(SAMPLE_ACCURACY_FLOOR);
        assertThat(reward.score("One of the best films I have seen. Wonderful acting, a great story."))
                .isPositive();
        assertThat(reward.score("The worst movie ever. Boring, awful and a waste of time.")).isNegative();
    }

    @Test
    void trainingNeedsBothLabels() {
        assertThatThrownBy(() -> NaiveBayesSentiment.train(List.of(new Review("fine", 1))))
                .hasMessage("training reviews: expected both labels, got 1 positive of 1");
    }
}
