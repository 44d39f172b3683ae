package prefdyn.reference.util;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.function.IntConsumer;

/**
 * Runs {@code body(i)} for every {@code i} in {@code [0, n)}, spread over a fixed number of threads.
 *
 * <p>Determinism rule for every caller: {@code body(i)} must only write outputs that no other index writes,
 * and must compute them with a fixed loop order. Then the result is bit-identical for any thread count,
 * because the thread count only decides <em>which</em> thread computes an index, never the order of the
 * additions inside it. The layers follow this rule: they parallelise over independent output rows or
 * columns, never over a sum.
 */
public final class Parallel implements AutoCloseable {

    private static final Parallel SEQUENTIAL = new Parallel(1);

    private final int threads;
    private final ForkJoinPool pool;

    /** @param threads number of worker threads; 1 runs everything on the calling thread */
    public Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.pool = threads == 1 ? null : new ForkJoinPool(threads);
    }

    /** Runs on the calling thread only. */
    public static Parallel sequential() {
        return SEQUENTIAL;
    }

    /** One thread per available processor. */
    public static Parallel allProcessors() {
        return new Parallel(Runtime.getRuntime().availableProcessors());
    }

    public int threads() {
        return threads;
    }

    /** Calls {@code body.accept(i)} for each i in [0, n); see the class comment for the determinism rule. */
    public void forEach(int n, IntConsumer body) {
        if (pool == null || n <= 1) {
            for (int i = 0; i < n; i++) {
                body.accept(i);
            }
            return;
        }
        int chunks = Math.min(n, threads * 4);
        pool.invoke(new Chunk(body, n, 0, chunks, chunks));
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }

    /** Splits the chunk range [firstChunk, endChunk) in halves until one chunk is left, then runs it. */
    private static final class Chunk extends RecursiveAction {
        private final IntConsumer body;
        private final int n;
        private final int firstChunk;
        private final int endChunk;
        private final int totalChunks;

        Chunk(IntConsumer body, int n, int firstChunk, int endChunk, int totalChunks) {
            this.body = body;
            this.n = n;
            this.firstChunk = firstChunk;
            this.endChunk = endChunk;
            this.totalChunks = totalChunks;
        }

        @Override
        protected void compute() {
            if (endChunk - firstChunk > 1) {
                int middle = (firstChunk + endChunk) >>> 1;
                invokeAll(new Chunk(body, n, firstChunk, middle, totalChunks),
                        new Chunk(body, n, middle, endChunk, totalChunks));
                return;
            }
            int start = (int) ((long) n * firstChunk / totalChunks);
            int end = (int) ((long) n * endChunk / totalChunks);
            for (int i = start; i < end; i++) {
                body.accept(i);
            }
        }
    }
}
