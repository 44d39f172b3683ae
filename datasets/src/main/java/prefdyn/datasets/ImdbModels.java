package prefdyn.datasets;

import prefdyn.reference.checkpoint.Checkpoint;
import prefdyn.reference.checkpoint.LoadedCheckpoint;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.tokenizer.BpeFiles;
import prefdyn.reference.tokenizer.ByteTokenizer;
import prefdyn.reference.tokenizer.Tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The models of the IMDb task: the shape of the SFT policy and the committed SFT checkpoint that
 * {@link TrainImdbSft} produced, read from the classpath so that the demo starts in seconds.
 */
public final class ImdbModels {

    /** Classpath folder of the committed SFT checkpoint. */
    public static final String SFT_RESOURCE_FOLDER = "/prefdyn/datasets/sft-model/";

    /**
     * The committed SFT policy's shape: the tiny default shape of {@code docs/architecture.md} (byte-level V = 257,
     * C = 64, L = 2, H = 4, T = 64).
     */
    public static final GptConfig SFT_CONFIG = new GptConfig(ByteTokenizer.VOCAB_SIZE, 64, 2, 4, 64, false, false);

    /** A classpath checkpoint's files: the weights, config.json and, for a BPE model, its tokenizer's two files. */
    private static final List<String> CLASSPATH_FILES = List.of(Checkpoint.MODEL_FILE, Checkpoint.CONFIG_FILE,
            BpeFiles.VOCAB_FILE, BpeFiles.MERGES_FILE);

    private static final List<String> OPTIONAL_FILES = List.of(BpeFiles.VOCAB_FILE, BpeFiles.MERGES_FILE);

    private ImdbModels() {
    }

    /** Loads the committed SFT checkpoint (copied from the classpath to a temporary folder first). */
    public static LoadedCheckpoint committedSft() {
        return fromClasspath(SFT_RESOURCE_FOLDER);
    }

    /**
     * Loads a checkpoint committed as a classpath folder (copied to a temporary folder first).
     *
     * @param folder the folder's classpath name, e.g. {@link #SFT_RESOURCE_FOLDER}; a leading and a trailing
     *               slash are added when missing
     */
    public static LoadedCheckpoint fromClasspath(String folder) {
        String prefix = (folder.startsWith("/") ? "" : "/") + folder + (folder.endsWith("/") ? "" : "/");
        try {
            Path directory = Files.createTempDirectory("prefdyn-checkpoint");
            try {
                for (String file : CLASSPATH_FILES) {
                    try (InputStream in = ImdbModels.class.getResourceAsStream(prefix + file)) {
                        if (in == null && OPTIONAL_FILES.contains(file)) {
                            continue;
                        }
                        if (in == null) {
                            throw new IOException("classpath resource " + prefix + file + " is missing;"
                                    + " regenerate the committed SFT model with datasets/scripts/train-sft.sh");
                        }
                        Files.copy(in, directory.resolve(file), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                return Checkpoint.load(directory);
            } finally {
                for (String file : CLASSPATH_FILES) {
                    Files.deleteIfExists(directory.resolve(file));
                }
                Files.deleteIfExists(directory);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /**
     * The longest prompt a model of context {@code contextLength} is given to continue, in its tokens: T/2 (32 for
     * T = 64), so that a prompt and a continuation of {@link #responseBudget} fit T.
     */
    public static int promptBudget(int contextLength) {
        return contextLength / 2;
    }

    /** The most tokens a model of context {@code contextLength} samples after a prompt: T − T/2 (32 for T = 64). */
    public static int responseBudget(int contextLength) {
        return contextLength - promptBudget(contextLength);
    }

    /**
     * A prompt's tokens, cut to {@link #promptBudget} by {@link TokenBudget#keepStart} (whole characters and tokens
     * that encode back to themselves).
     */
    public static int[] promptTokens(Tokenizer tokenizer, String prompt, int contextLength) {
        return TokenBudget.keepStart(tokenizer, tokenizer.encode(prompt), promptBudget(contextLength));
    }
}
