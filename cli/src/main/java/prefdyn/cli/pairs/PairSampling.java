package prefdyn.cli.pairs;

import prefdyn.cli.base.Progress;
import prefdyn.cli.engine.Engines;
import prefdyn.cli.task.ImdbTask;
import prefdyn.datasets.OnPolicyPairs;
import prefdyn.datasets.PreferencePair;
import prefdyn.datasets.Reward;
import prefdyn.reference.checkpoint.LoadedCheckpoint;
import prefdyn.reference.util.Parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * On-policy pairs of a start model ({@link OnPolicyPairs}: k samples per prompt, best vs worst by the NB reward, the
 * DPO paper's protocol), the prompts cut into chunks that run side by side, each seeded by its index, so the pairs
 * do not depend on how many run at once.
 */
public final class PairSampling {

    /** Prompts per chunk of on-policy pair generation (chunks run in parallel; each is seeded by its index). */
    static final int PAIR_CHUNK = 8;

    private PairSampling() {
    }

    /** On-policy pairs in chunks of {@value #PAIR_CHUNK} prompts, generated in parallel, seeded per chunk. */
    public static List<PreferencePair> pairs(ExecutorService executor, LoadedCheckpoint start, List<String> prompts,
                                      int candidates, ImdbTask task, long seed, Progress progress, String label)
            throws InterruptedException, ExecutionException {
        int chunks = (prompts.size() + PAIR_CHUNK - 1) / PAIR_CHUNK;
        Progress.Stage stage = progress.stage(label, chunks);
        List<Future<List<PreferencePair>>> futures = new ArrayList<>();
        AtomicInteger done = new AtomicInteger();
        for (int c = 0; c < chunks; c++) {
            List<String> chunk = prompts.subList(c * PAIR_CHUNK, Math.min(prompts.size(), (c + 1) * PAIR_CHUNK));
            long chunkSeed = seed * 1_000_003L + c;
            futures.add(executor.submit(() -> {
                try (Parallel parallel = new Parallel(1)) {
                    List<PreferencePair> pairs = OnPolicyPairs.generate(Engines.engine(start, parallel), start.tokenizer(), chunk,
                            candidates, Reward.ofFullText(task::reward), chunkSeed);
                    stage.accept(done.incrementAndGet());
                    return pairs;
                }
            }));
        }
        List<PreferencePair> pairs = new ArrayList<>();
        for (Future<List<PreferencePair>> future : futures) {
            pairs.addAll(future.get());
        }
        stage.done();
        return pairs;
    }
}
