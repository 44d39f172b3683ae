package prefdyn.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The on-policy ranking, with fake candidates standing in for SFT samples. */
class BestVsWorstPairsTest {

    /** A fake reward: the number of '+' minus the number of '-' in the continuation. */
    private static final Reward PLUS_MINUS = (prompt, continuation) ->
            continuation.chars().filter(c -> c == '+').count() - continuation.chars().filter(c -> c == '-').count();

    @Test
    void choosesTheBestOverTheWorstPerPrompt() {
        List<PromptCandidates> prompts = List.of(
                new PromptCandidates("A", List.of(" ok", " ++ good", " - meh", " -- bad", " + fine")),
                new PromptCandidates("B", List.of(" -", " +")));

        List<ScoredPair> pairs = BestVsWorstPairs.rank(prompts, PLUS_MINUS);

        assertThat(pairs).containsExactly(
                new ScoredPair(new PreferencePair("A", " ++ good", " -- bad"), 2, -2),
                new ScoredPair(new PreferencePair("B", " +", " -"), 1, -1));
        assertThat(pairs.get(0).margin()).isEqualTo(4);
    }

    @Test
    void tiesGoToTheEarlierCandidateAndPromptsWithoutPreferenceGiveNoPair() {
        List<PromptCandidates> prompts = List.of(
                new PromptCandidates("ties", List.of(" first +", " second +", " x -", " y -")),
                new PromptCandidates("all equal", List.of(" a", " b", " c")),
                new PromptCandidates("one", List.of(" +")),
                new PromptCandidates("none", List.of()),
                new PromptCandidates("empty skipped", List.of("", " +", " -")));

        assertThat(BestVsWorstPairs.pairs(prompts, PLUS_MINUS)).containsExactly(
                new PreferencePair("ties", " first +", " x -"),
                new PreferencePair("empty skipped", " +", " -"));
    }

    @Test
    void theNaiveBayesRewardScoresPromptPlusContinuation() {
        NaiveBayesSentiment reward = NaiveBayesSentiment.train(List.of(
                new Review("a wonderful film", 1), new Review("a dreadful film", 0)), 1);
        PromptCandidates candidates = new PromptCandidates("It was", List.of(" dreadful", " wonderful", " a film"));

        assertThat(BestVsWorstPairs.pairs(List.of(candidates), Reward.ofFullText(reward::score)))
                .containsExactly(new PreferencePair("It was", " wonderful", " dreadful"));
    }

    @Test
    void aNonFiniteRewardNamesThePromptAndCandidate() {
        Reward broken = (prompt, continuation) -> continuation.equals(" b") ? Double.NaN : 0;
        List<PromptCandidates> prompts = List.of(new PromptCandidates("p", List.of(" a", " b")));

        assertThatThrownBy(() -> BestVsWorstPairs.rank(prompts, broken))
                .hasMessage("prompt 0, continuation 1: expected a finite reward, got NaN");
    }
}
