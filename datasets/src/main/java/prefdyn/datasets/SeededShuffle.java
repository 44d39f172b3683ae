package prefdyn.datasets;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A Fisher–Yates shuffle driven by {@link java.util.Random}, whose generator and {@code nextInt(bound)} are
 * specified exactly by the Java SE documentation. Every seeded choice in this module goes through it, so the
 * split, the sample, the prompts and the pairs are the same on every JDK.
 */
public final class SeededShuffle {

    private SeededShuffle() {
    }

    /** A shuffled copy of {@code items}; the input is not changed. */
    public static <T> List<T> shuffled(List<T> items, Random random) {
        List<T> copy = new ArrayList<>(items);
        for (int i = copy.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            T swap = copy.get(i);
            copy.set(i, copy.get(j));
            copy.set(j, swap);
        }
        return copy;
    }

    /** A shuffled copy of {@code items} using a fresh {@code new Random(seed)}. */
    public static <T> List<T> shuffled(List<T> items, long seed) {
        return shuffled(items, new Random(seed));
    }
}
