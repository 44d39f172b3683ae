package prefdyn.reference.checkpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import prefdyn.reference.tokenizer.BpeFiles;
import prefdyn.reference.tokenizer.BpeTokenizer;
import prefdyn.reference.tokenizer.ByteTokenizer;
import prefdyn.reference.tokenizer.Tokenizer;

/**
 * Which tokenizer a checkpoint uses, and the files that let other tools tokenize identically.
 *
 * <pre>
 *   config.json  "prefdyn_tokenizer"  "prefdyn-byte-level-v1": UTF-8 bytes as ids 0–255, end-of-text 256; no files
 *                                     "gpt2-byte-level-bpe":   GPT-2's byte-level BPE with the two files below
 *                "bos_token_id", "eos_token_id"  the tokenizer's end-of-text id (as GPT-2's config has 50256)
 *   vocab.json + merges.txt           Hugging Face's pair, so GPT2TokenizerFast.from_pretrained(dir) reads them
 * </pre>
 * A checkpoint without the field (one written by another tool) uses the BPE pair when both files are there and
 * bytes otherwise. Any other name is refused.
 */
final class CheckpointTokenizer {

    private CheckpointTokenizer() {
    }

    /**
     * Writes the tokenizer's files into {@code directory}, each atomically; for the byte-level tokenizer, removes
     * a stale BPE pair left by an earlier save, so the directory never describes two tokenizers.
     */
    static void write(Path directory, Tokenizer tokenizer) throws IOException {
        if (tokenizer instanceof BpeTokenizer bpe) {
            byte[] vocab = BpeFiles.vocabText(bpe).getBytes(StandardCharsets.UTF_8);
            byte[] merges = BpeFiles.mergesText(bpe).getBytes(StandardCharsets.UTF_8);
            AtomicFile.write(directory.resolve(BpeFiles.VOCAB_FILE), out -> out.write(vocab));
            AtomicFile.write(directory.resolve(BpeFiles.MERGES_FILE), out -> out.write(merges));
        } else if (tokenizer.name().equals(ByteTokenizer.NAME)) {
            Files.deleteIfExists(directory.resolve(BpeFiles.VOCAB_FILE));
            Files.deleteIfExists(directory.resolve(BpeFiles.MERGES_FILE));
        } else {
            throw new IllegalArgumentException("cannot save tokenizer " + tokenizer.name() + "; known: "
                    + ByteTokenizer.NAME + ", " + BpeTokenizer.NAME);
        }
    }

    /**
     * Builds the tokenizer that {@code config.json}'s {@code name} (null when the field is absent) and the files
     * beside it describe.
     */
    static Tokenizer read(Path directory, String name) throws IOException {
        Path vocab = directory.resolve(BpeFiles.VOCAB_FILE);
        Path merges = directory.resolve(BpeFiles.MERGES_FILE);
        String effective = name != null ? name
                : Files.isRegularFile(vocab) && Files.isRegularFile(merges) ? BpeTokenizer.NAME : ByteTokenizer.NAME;
        if (effective.equals(ByteTokenizer.NAME)) {
            return ByteTokenizer.asTokenizer();
        }
        if (!effective.equals(BpeTokenizer.NAME)) {
            throw new CheckpointException(directory.resolve(Checkpoint.CONFIG_FILE), "field \"prefdyn_tokenizer\" is "
                    + "\"" + name + "\", which prefdyn does not know; known: " + ByteTokenizer.NAME + ", "
                    + BpeTokenizer.NAME);
        }
        for (Path file : new Path[] {vocab, merges}) {
            if (!Files.isRegularFile(file)) {
                throw new CheckpointException(file, "missing; config.json names tokenizer " + BpeTokenizer.NAME
                        + ", which needs " + BpeFiles.VOCAB_FILE + " and " + BpeFiles.MERGES_FILE + " beside it");
            }
        }
        try {
            return BpeFiles.read(vocab, merges);
        } catch (IllegalArgumentException malformed) {
            throw new CheckpointException(directory, malformed.getMessage(), malformed);
        }
    }
}
