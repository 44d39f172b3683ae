package prefdyn.datasets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import prefdyn.reference.tokenizer.BpeTokenizer;

/**
 * Trains the IMDb BPE vocabulary ({@link ImdbBpe}) from the raw package, or measures candidate sizes.
 *
 * <pre>
 *   java -cp ... prefdyn.datasets.TrainImdbBpe RAW_DIR OUT_DIR [merges]     writes OUT_DIR/vocab.json, merges.txt
 *   java -cp ... prefdyn.datasets.TrainImdbBpe --measure RAW_DIR M1 M2 ...  prints bytes per token on half B
 * </pre>
 * RAW_DIR is the folder {@code datasets/scripts/fetch-imdb.sh} filled. Deterministic: the trainer has no
 * randomness, and the split is seeded ({@link ImdbSplit#DEFAULT_SEED}).
 */
public final class TrainImdbBpe {

    private TrainImdbBpe() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length >= 3 && args[0].equals("--measure")) {
            measure(Path.of(args[1]), List.of(args).subList(2, args.length));
            return;
        }
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: TrainImdbBpe RAW_DIR OUT_DIR [merges]\n"
                    + "       TrainImdbBpe --measure RAW_DIR MERGES...");
            System.exit(2);
        }
        ImdbSplit split = ImdbSplit.prepare(Path.of(args[0]), ImdbSplit.DEFAULT_SEED);
        int merges = args.length > 2 ? Integer.parseInt(args[2]) : ImdbBpe.MERGES;
        BpeTokenizer tokenizer = ImdbBpe.train(split, merges);
        ImdbBpe.write(Path.of(args[1]), tokenizer);
        System.out.printf("%d merges, V = %d, on %d half-A reviews; half B: %.3f bytes/token%n",
                tokenizer.merges().size(), tokenizer.vocabSize(), split.halfA().size(),
                ImdbBpe.bytesPerToken(tokenizer, split.halfB().stream().map(Review::text).toList()));
    }

    private static void measure(Path rawDir, List<String> sizes) throws IOException {
        ImdbSplit split = ImdbSplit.prepare(rawDir, ImdbSplit.DEFAULT_SEED);
        List<String> halfB = split.halfB().stream().map(Review::text).toList();
        long bytes = halfB.stream().mapToLong(t -> t.getBytes(StandardCharsets.UTF_8).length).sum();
        System.out.printf("half B: %d reviews, %d bytes%n", halfB.size(), bytes);
        System.out.println("| merges | V | bytes/token on half B | half-B tokens | training s |");
        System.out.println("|---|---|---|---|---|");
        for (String size : sizes) {
            long start = System.nanoTime();
            BpeTokenizer tokenizer = ImdbBpe.train(split, Integer.parseInt(size));
            double seconds = (System.nanoTime() - start) / 1e9;
            double perToken = ImdbBpe.bytesPerToken(tokenizer, halfB);
            System.out.printf("| %,d | %,d | %.3f | %,d | %.1f |%n", tokenizer.merges().size(),
                    tokenizer.vocabSize(), perToken, Math.round(bytes / perToken), seconds);
        }
        if (Files.isRegularFile(Gpt2Vocabulary.encoderJson(rawDir))) {
            BpeTokenizer gpt2 = Gpt2Vocabulary.read(rawDir);
            double perToken = ImdbBpe.bytesPerToken(gpt2, halfB);
            System.out.printf("| GPT-2's %,d | %,d | %.3f | %,d | - |%n", gpt2.merges().size(), gpt2.vocabSize(),
                    perToken, Math.round(bytes / perToken));
        }
    }
}
