package prefdyn.reference.tokenizer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BpeTrainerTest {

    @Test
    void knownAnswerWorkedByHand() {
        // "aaab": pairs (a,a)×2, (a,b)×1 → merge "a a" (id 256); then "aa a b": (256,97) and (97,98) once each,
        // the tie goes to the smaller left id → "a b" (257); then "aa ab" → "aa ab" (258); then nothing is left.
        BpeTokenizer trained = BpeTrainer.train(List.of("aaab"), 5);
        assertThat(trained.merges().list()).containsExactly(new BpeMerges.Merge("a", "a"),
                new BpeMerges.Merge("a", "b"), new BpeMerges.Merge("aa", "ab"));
        assertThat(trained.vocabSize()).isEqualTo(256 + 3 + 1);
        assertThat(trained.endOfText()).isEqualTo(259);
        assertThat(trained.symbols().get('a')).isEqualTo("a");
        assertThat(trained.symbols().get(' ')).isEqualTo("Ġ");
        assertThat(trained.encode("aaab")).containsExactly(258);
    }

    @Test
    void countsAreWeightedByPieceFrequencyAndNeverCrossPieces() {
        // " the" three times, "cat" once: the pairs of " the" (3 each) beat every pair of "cat" (1) and "e c"
        // never counts. Among the three ties the smallest left id goes first: "Ġ" (32) before "h" (104) and "t"
        // (116); then "h e" (left 104) before "Ġt h" (left 256); then "Ġt he".
        BpeTokenizer trained = BpeTrainer.train(List.of("cat the the the"), 3);
        assertThat(trained.merges().list()).containsExactly(new BpeMerges.Merge("Ġ", "t"),
                new BpeMerges.Merge("h", "e"), new BpeMerges.Merge("Ġt", "he"));
        assertThat(trained.encode(" the cat")).containsExactly(258, ' ', 'c', 'a', 't');
    }

    @Test
    void theResultDoesNotDependOnTextOrder() {
        List<String> texts = new ArrayList<>(List.of("I loved this film, it's great.", "Worst movie ever!!",
                "The acting was great; the plot was not.", "Great great great film", "10/10 would watch again",
                "Ünïcödé text — and 東京 too"));
        BpeTokenizer first = BpeTrainer.train(texts, 60);
        Collections.shuffle(texts, new Random(7));
        BpeTokenizer second = BpeTrainer.train(texts, 60);
        assertThat(second.merges().list()).isEqualTo(first.merges().list());
        assertThat(second.symbols()).isEqualTo(first.symbols());
        assertThat(first.merges().size()).isEqualTo(60);
    }

    @Test
    void theIncrementalCountsPickWhatACountFromScratchPicks() {
        Random random = new Random(11);
        List<String> texts = new ArrayList<>();
        String letters = "aab c";
        for (int t = 0; t < 40; t++) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < 30; i++) {
                text.append(letters.charAt(random.nextInt(letters.length())));
            }
            texts.add(text.toString());
        }
        BpeTokenizer trained = BpeTrainer.train(texts, 25);
        // Replay: at each rank, the merge taken must be a most frequent pair of the corpus tokenized by the
        // merges before it, counted from scratch, with the trainer's tie-break.
        for (int rank = 0; rank < trained.merges().size(); rank++) {
            BpeMerges before = new BpeMerges(trained.merges().list().subList(0, rank));
            Map<List<String>, Long> counts = new HashMap<>();
            for (String text : texts) {
                for (String piece : Gpt2PreTokenizer.split(text)) {
                    List<String> symbols = before.apply(ByteToUnicode.encode(piece.getBytes(UTF_8)));
                    for (int i = 0; i + 1 < symbols.size(); i++) {
                        counts.merge(List.of(symbols.get(i), symbols.get(i + 1)), 1L, Long::sum);
                    }
                }
            }
            long best = counts.values().stream().mapToLong(Long::longValue).max().orElseThrow();
            BpeMerges.Merge taken = trained.merges().list().get(rank);
            assertThat(counts.get(List.of(taken.left(), taken.right()))).as("rank %d", rank).isEqualTo(best);
            int takenLeft = trained.symbols().indexOf(taken.left());
            int takenRight = trained.symbols().indexOf(taken.right());
            for (Map.Entry<List<String>, Long> entry : counts.entrySet()) {
                if (entry.getValue() == best) {
                    int left = trained.symbols().indexOf(entry.getKey().get(0));
                    int right = trained.symbols().indexOf(entry.getKey().get(1));
                    assertThat(left < takenLeft || (left == takenLeft && right < takenRight)).isFalse();
                }
            }
        }
    }
}
