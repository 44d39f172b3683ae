package prefdyn.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PromptsTest {

    private final ImdbSplit sample = ImdbSample.load();

    @Test
    void evaluationPromptsAreTwoToEightWordOpeningsOfHeldOutReviews() {
        List<String> prompts = Prompts.evaluation(sample, 200, 1L);

        assertThat(prompts).hasSize(200);
        for (String prompt : prompts) {
            assertThat(prompt.split(" ").length).isBetween(Prompts.MIN_WORDS, Prompts.MAX_WORDS);
            assertThat(sample.halfB()).anyMatch(r -> r.text().startsWith(prompt + " "));
        }
        assertThat(prompts.stream().mapToInt(p -> p.split(" ").length).distinct().count())
                .as("every length from 2 to 8 occurs").isEqualTo(7);
    }

    @Test
    void trainingPromptsComeFromHalfAAndAreSeeded() {
        List<String> prompts = Prompts.training(sample, 50, 9L);

        assertThat(prompts).allMatch(p -> sample.halfA().stream().anyMatch(r -> r.text().startsWith(p + " ")));
        assertThat(Prompts.training(sample, 50, 9L)).isEqualTo(prompts);
        assertThat(Prompts.training(sample, 50, 10L)).isNotEqualTo(prompts);
    }

    @Test
    void knownAnswerOnOneReview() {
        // new Random(0): the shuffle of one element draws nothing; the length is 2 + nextInt(7) = 2 + 5 = 7
        // (the first nextInt(7) of seed 0 is 5, computed independently from java.util.Random's documented
        // generator).
        List<Review> one = List.of(new Review("One two three four five six seven eight nine ten", 1));

        assertThat(Prompts.openings(one, 1, 0L)).containsExactly("One two three four five six seven");
    }

    @Test
    void tooFewReviewsIsAnError() {
        List<Review> shortReview = List.of(new Review("Too short", 1));

        assertThatThrownBy(() -> Prompts.openings(shortReview, 1, 0L))
                .hasMessage("reviews: expected enough reviews for 1 prompts, got 0 from 1 reviews");
    }
}
