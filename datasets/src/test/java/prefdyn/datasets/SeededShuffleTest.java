package prefdyn.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SeededShuffleTest {

    /**
     * Pins the algorithm: a change here would silently change the split and the committed sample. The expected
     * order was computed independently, by re-implementing java.util.Random's documented generator in Python.
     */
    @Test
    void knownPermutationForSeedZero() {
        List<Integer> items = IntStream.range(0, 8).boxed().toList();

        assertThat(SeededShuffle.shuffled(items, 0L)).containsExactly(0, 7, 3, 4, 6, 1, 2, 5);
    }

    @Test
    void isAPermutationAndLeavesTheInputAlone() {
        List<Integer> items = IntStream.range(0, 100).boxed().toList();

        List<Integer> shuffled = SeededShuffle.shuffled(items, 42L);

        assertThat(shuffled).containsExactlyInAnyOrderElementsOf(items).isNotEqualTo(items);
        assertThat(SeededShuffle.shuffled(items, 42L)).isEqualTo(shuffled);
        assertThat(items).isSorted();
    }
}
