package prefdyn.datasets;

import prefdyn.reference.checkpoint.Checkpoint;
import prefdyn.reference.checkpoint.LoadedCheckpoint;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.tokenizer.ByteTokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The models of the IMDb task: the shape of the SFT policy and the committed SFT checkpoint that
 * {@link TrainImdbSft} produced, read from the classpath so that the demo starts in seconds.
 */
public final class ImdbModels {

    /** Classpath folder of the committed SFT checkpoint. */
    public static final String SFT_RESOURCE_FOLDER = "/prefdyn/datasets/sft-model/";

    /**
     * The SFT policy's shape: the tiny default shape of {@code docs/architecture.md} (byte-level V = 257, C = 64,
     * L = 2, H = 4, T = 64). Prompts and continuations are cut to {@link #MAX_PROMPT_BYTES} and
     * {@link #MAX_RESPONSE_BYTES} so a pair fits T.
     */
    public static final GptConfig SFT_CONFIG = new GptConfig(ByteTokenizer.VOCAB_SIZE, 64, 2, 4, 64, false, false);

    /** Longest prompt, in byte tokens. */
    public static final int MAX_PROMPT_BYTES = 32;

    /** Longest continuation, in byte tokens. */
    public static final int MAX_RESPONSE_BYTES = 32;

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
                for (String file : new String[] {Checkpoint.MODEL_FILE, Checkpoint.CONFIG_FILE}) {
                    try (InputStream in = ImdbModels.class.getResourceAsStream(prefix + file)) {
                        if (in == null) {
                            throw new IOException("classpath resource " + prefix + file + " is missing;"
                                    + " regenerate the committed SFT model with datasets/scripts/train-sft.sh");
                        }
                        Files.copy(in, directory.resolve(file), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                return Checkpoint.load(directory);
            } finally {
                for (String file : new String[] {Checkpoint.MODEL_FILE, Checkpoint.CONFIG_FILE}) {
                    Files.deleteIfExists(directory.resolve(file));
                }
                Files.deleteIfExists(directory);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /** A prompt's byte tokens, cut to {@link #MAX_PROMPT_BYTES} at a whole byte. */
    public static int[] promptTokens(String prompt) {
        return ByteTokenizer.encode(ByteBudget.truncate(prompt, MAX_PROMPT_BYTES));
    }
}
