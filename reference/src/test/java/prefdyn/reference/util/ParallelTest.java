package prefdyn.reference.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * {@link Parallel#forEach}: every index exactly once at any thread count and size (fewer indices than threads,
 * not a multiple of the chunks, many), calls nested inside a body, and a body's exception reaching the caller
 * after every claimed chunk has stopped, with the pool still usable afterwards.
 */
class ParallelTest {

    @Test
    void everyIndexRunsExactlyOnce() {
        for (int threads : new int[] {1, 2, 3, 8}) {
            try (Parallel parallel = new Parallel(threads)) {
                for (int n : new int[] {0, 1, 2, 5, 31, 1000}) {
                    AtomicIntegerArray calls = new AtomicIntegerArray(n);
                    parallel.forEach(n, calls::incrementAndGet);
                    for (int i = 0; i < n; i++) {
                        assertThat(calls.get(i)).as("index %d of %d at %d threads", i, n, threads).isEqualTo(1);
                    }
                }
            }
        }
    }

    /** A body that calls forEach itself (a layer inside a parallel loop over sequences) finishes and counts right. */
    @Test
    void nestedCallsFinish() {
        try (Parallel parallel = new Parallel(2)) {
            AtomicIntegerArray calls = new AtomicIntegerArray(12 * 7);
            parallel.forEach(12, outer -> parallel.forEach(7, inner -> calls.incrementAndGet(outer * 7 + inner)));
            for (int i = 0; i < calls.length(); i++) {
                assertThat(calls.get(i)).as("index %d", i).isEqualTo(1);
            }
        }
    }

    @Test
    void aBodysExceptionReachesTheCallerAndThePoolStaysUsable() {
        try (Parallel parallel = new Parallel(3)) {
            assertThatThrownBy(() -> parallel.forEach(100, i -> {
                if (i == 57) {
                    throw new IllegalArgumentException("index 57 is bad");
                }
            })).isInstanceOf(IllegalArgumentException.class).hasMessage("index 57 is bad");
            AtomicIntegerArray calls = new AtomicIntegerArray(40);
            parallel.forEach(40, calls::incrementAndGet);
            for (int i = 0; i < 40; i++) {
                assertThat(calls.get(i)).isEqualTo(1);
            }
        }
    }

    @Test
    void aThreadCountBelowOneIsRefused() {
        assertThatThrownBy(() -> new Parallel(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1, got 0");
    }
}
