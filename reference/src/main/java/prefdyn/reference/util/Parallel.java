package prefdyn.reference.util;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * Runs {@code body(i)} for every {@code i} in {@code [0, n)}, spread over a fixed number of threads.
 *
 * <p>Determinism rule for every caller: {@code body(i)} must only write outputs that no other index writes,
 * and must compute them with a fixed loop order. Then the result is bit-identical for any thread count,
 * because the thread count only decides <em>which</em> thread computes an index, never the order of the
 * additions inside it. The layers follow this rule: they parallelise over independent output rows or
 * columns, never over a sum.
 *
 * <p>How the work is shared: the indices are cut into {@code 4 · threads} fixed chunks, which the calling thread
 * and {@code threads − 1} pool workers claim one at a time from a shared counter; the caller works too and
 * returns once every chunk has finished. So a call costs no thread hand-off when the work is small (the caller
 * may finish every chunk before a worker wakes), which matters for the many short calls of a small model's step.
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
        this.pool = threads == 1 ? null : new ForkJoinPool(threads - 1);
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
        Shared shared = new Shared(body, n, chunks);
        for (int helper = 1; helper < Math.min(threads, chunks); helper++) {
            pool.execute(shared::work);
        }
        shared.work();
        shared.awaitEveryChunk();
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }

    /** One call's chunks: claimed from {@link #next}, counted in {@link #finished} whether they end or throw. */
    private static final class Shared {
        private final IntConsumer body;
        private final int n;
        private final int chunks;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger finished = new AtomicInteger();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Shared(IntConsumer body, int n, int chunks) {
            this.body = body;
            this.n = n;
            this.chunks = chunks;
        }

        /** Runs unclaimed chunks until none is left. */
        void work() {
            for (int chunk = next.getAndIncrement(); chunk < chunks; chunk = next.getAndIncrement()) {
                try {
                    if (failure.get() == null) {
                        int start = (int) ((long) n * chunk / chunks);
                        int end = (int) ((long) n * (chunk + 1) / chunks);
                        for (int i = start; i < end; i++) {
                            body.accept(i);
                        }
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    finished.incrementAndGet();
                }
            }
        }

        /**
         * Waits for the chunks other threads claimed (each is running, so the wait is at most one chunk): spinning
         * at first, then yielding the core, in case another process needs it. Then rethrows the first failure.
         */
        void awaitEveryChunk() {
            for (int spins = 0; finished.get() < chunks; spins++) {
                if (spins < 1 << 14) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
            Throwable t = failure.get();
            if (t instanceof RuntimeException e) {
                throw e;
            }
            if (t instanceof Error e) {
                throw e;
            }
            if (t != null) {
                throw new IllegalStateException(t);
            }
        }
    }
}
