package prefdyn.cli.pairs;

import prefdyn.cli.base.Progress;
import prefdyn.cli.base.Threads;
import prefdyn.cli.engine.Engines;
import prefdyn.cli.task.ImdbTask;
import prefdyn.datasets.HumanPairs;
import prefdyn.datasets.PairFile;
import prefdyn.datasets.PreferencePair;
import prefdyn.reference.checkpoint.LoadedCheckpoint;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code prefdyn pairs}: the on-policy pairs of a checkpoint ({@link PairSampling}) and the human pairs of the
 * committed sample's half A ({@link HumanPairs}: continuations of one opening by a positive and a negative review),
 * each written as TRL JSONL ({@link PairFile}) with a line saying how many.
 */
public final class PairWriting {

    private PairWriting() {
    }

    /** Writes the pair files {@code settings} names, printing progress and results to {@code stdout}. */
    public static void write(PairsSettings settings, PrintWriter stdout, boolean quiet) throws Exception {
        ImdbTask task = ImdbTask.get();
        String checkpoint = settings.checkpoint();
        long seed = settings.seed();
        if (settings.onPolicy() != null) {
            LoadedCheckpoint start = Engines.load(checkpoint);
            ExecutorService executor = Executors.newFixedThreadPool(Threads.resolve(settings.threads()));
            try {
                List<PreferencePair> pairs = PairSampling.pairs(executor, start,
                        task.trainingPrompts(settings.prompts(), seed), settings.candidates(), task, seed,
                        new Progress(stdout, quiet), "pairs  on-policy");
                PairFile.write(settings.onPolicy(), pairs);
                stdout.println("wrote " + pairs.size() + " on-policy pairs to " + settings.onPolicy());
            } finally {
                executor.shutdownNow();
            }
        }
        if (settings.human() != null) {
            LoadedCheckpoint model = Engines.load(checkpoint);
            int budget = HumanPairs.budgetFor(model.config().contextLength());
            List<PreferencePair> pairs = HumanPairs.build(task.split().halfA(), model.tokenizer(),
                    HumanPairs.DEFAULT_PREFIX_WORDS, budget, seed);
            PairFile.write(settings.human(), pairs);
            stdout.println("wrote " + pairs.size() + " human pairs to " + settings.human());
        }
    }
}
