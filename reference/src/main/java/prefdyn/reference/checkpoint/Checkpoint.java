package prefdyn.reference.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.ParameterLayout;
import prefdyn.reference.model.TensorView;
import prefdyn.reference.tokenizer.BpeTokenizer;
import prefdyn.reference.tokenizer.ByteTokenizer;
import prefdyn.reference.tokenizer.Tokenizer;
import prefdyn.reference.util.JsonFiles;

/**
 * A model checkpoint: a directory that PyTorch loads with {@code GPT2LMHeadModel.from_pretrained(dir)}
 * ({@code docs/architecture.md}, "The model contract").
 *
 * <pre>
 *   dir/model.safetensors   every tensor of the {@link ParameterLayout} under its Hugging Face name and shape
 *                           (wte.weight [V, C], h.0.attn.c_attn.weight [C, 3C] in Conv1D [in, out] layout, ...),
 *                           F64 (lossless, the default) or F32; see {@link SafeTensors} for the byte format.
 *                           Its __metadata__ holds "format": "pt" (transformers requires it),
 *                           "prefdyn.tokenizer" and "prefdyn.config" (a copy of config.json, compact).
 *   dir/config.json         what GPT2Config reads, plus prefdyn's head flags and tokenizer; see {@link ConfigJson}.
 *   dir/vocab.json          for a BPE tokenizer only: Hugging Face's pair, so GPT2TokenizerFast.from_pretrained(dir)
 *   dir/merges.txt          tokenizes identically; see {@link CheckpointTokenizer}
 * </pre>
 * The tied LM head ({@code lm_head.weight}) is not stored, as transformers itself does; the value head
 * ({@code v_head.summary.*}) and reward head ({@code score.weight}), when present, are extra tensors that
 * {@code GPT2LMHeadModel} reports as unused and skips.
 *
 * <p><b>Writing order and crashes.</b> {@link #save} writes {@code model.safetensors} first and {@code config.json}
 * second, each through a temporary file in the same directory renamed atomically over the final name, so neither
 * file is ever seen half-written. The pair is not replaced atomically: a crash between the two renames leaves
 * the new weights beside the old config. When the configuration did not change (re-saving during training) that
 * pair is consistent; when it did, {@link #load} notices, because the weights file carries its own copy of the
 * configuration, and refuses to load rather than mis-read.
 */
public final class Checkpoint {

    /** The weights file inside a checkpoint directory. */
    public static final String MODEL_FILE = "model.safetensors";
    /** The configuration file inside a checkpoint directory. */
    public static final String CONFIG_FILE = "config.json";
    /** Metadata key of the tokenizer name in {@value #MODEL_FILE}. */
    public static final String METADATA_TOKENIZER = "prefdyn.tokenizer";
    /** Metadata key of the copy of config.json in {@value #MODEL_FILE}. */
    public static final String METADATA_CONFIG = "prefdyn.config";

    private Checkpoint() {
    }

    /** Saves with the default, lossless {@link Precision#FLOAT64} and the byte-level tokenizer. */
    public static void save(Path directory, GptConfig config, double[] parameters) throws IOException {
        save(directory, config, parameters, Precision.FLOAT64);
    }

    /** Saves a model that uses the byte-level tokenizer (see the overload with a {@link Tokenizer}). */
    public static void save(Path directory, GptConfig config, double[] parameters, Precision precision)
            throws IOException {
        save(directory, config, parameters, precision, ByteTokenizer.asTokenizer());
    }

    /**
     * Saves a model into {@code directory} (created if needed), replacing any checkpoint already there: the
     * weights, then the tokenizer's files, then {@code config.json}.
     *
     * @param parameters [ParameterLayout(config).size()] all parameters, flat, in {@link ParameterLayout} order
     * @throws IllegalArgumentException if {@code parameters} has the wrong length, or a BPE tokenizer's V differs
     *                                  from the model's {@code vocab_size}; nothing is written then
     */
    public static void save(Path directory, GptConfig config, double[] parameters, Precision precision,
                            Tokenizer tokenizer) throws IOException {
        if (tokenizer instanceof BpeTokenizer && tokenizer.vocabSize() != config.vocabSize()) {
            throw new IllegalArgumentException("tokenizer " + tokenizer.name() + " has " + tokenizer.vocabSize()
                    + " tokens but " + config + " has vocab_size " + config.vocabSize());
        }
        ParameterLayout layout = new ParameterLayout(config);
        if (parameters.length != layout.size()) {
            throw new IllegalArgumentException("parameters has " + parameters.length + " elements but " + config
                    + " has " + layout.size());
        }
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        for (TensorView view : layout.tensors()) {
            double[] values = Arrays.copyOfRange(parameters, view.offset(), view.end());
            tensors.put(view.name(), TensorData.floating(precision.dtype(), view.shape(), values));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        metadata.put(METADATA_TOKENIZER, tokenizer.name());
        metadata.put(METADATA_CONFIG, JsonFiles.write(ConfigJson.toJson(config, precision, tokenizer)));

        Files.createDirectories(directory);
        SafeTensors.write(directory.resolve(MODEL_FILE), tensors, metadata);
        CheckpointTokenizer.write(directory, tokenizer);
        ConfigJson.write(directory.resolve(CONFIG_FILE), config, precision, tokenizer);
    }

    /**
     * Loads a checkpoint saved by {@link #save} (or any safetensors + config.json pair with the same tensor
     * names, F64 or F32). Every tensor of the configuration's layout must be present with its exact shape, and
     * no other tensor may be. The tokenizer is built as {@link #readTokenizer} does.
     */
    public static LoadedCheckpoint load(Path directory) throws IOException {
        GptConfig config = readConfig(directory);
        Tokenizer tokenizer = readTokenizer(directory);
        if (tokenizer instanceof BpeTokenizer && tokenizer.vocabSize() != config.vocabSize()) {
            throw new CheckpointException(directory.resolve(CONFIG_FILE), "vocab_size is " + config.vocabSize()
                    + " but the tokenizer beside it (" + tokenizer.name() + ") has " + tokenizer.vocabSize()
                    + " tokens");
        }
        Path modelFile = directory.resolve(MODEL_FILE);
        if (!Files.exists(modelFile)) {
            throw new CheckpointException(modelFile, "not found (missing " + MODEL_FILE + ")");
        }
        SafeTensors.Contents contents = SafeTensors.read(modelFile);
        requireSizeFits(modelFile, config);
        checkSavedConfig(directory, modelFile, contents.metadata(), config);

        ParameterLayout layout = new ParameterLayout(config);
        checkTensorNames(modelFile, layout, contents.tensors());
        for (TensorView view : layout.tensors()) { // every shape and dtype before the parameters are allocated
            TensorData tensor = contents.tensors().get(view.name());
            if (!Arrays.equals(tensor.shape(), view.shape())) {
                throw new CheckpointException(modelFile, "tensor '" + view.name() + "' has shape "
                        + Arrays.toString(tensor.shape()) + " but config.json expects "
                        + Arrays.toString(view.shape()));
            }
            if (!tensor.dtype().isFloatingPoint()) {
                throw new CheckpointException(modelFile, "tensor '" + view.name() + "' has dtype " + tensor.dtype()
                        + " but model parameters must be F64 or F32");
            }
        }
        double[] parameters = new double[layout.size()];
        for (TensorView view : layout.tensors()) {
            System.arraycopy(contents.tensors().get(view.name()).doubles(), 0, parameters, view.offset(), view.size());
        }
        return new LoadedCheckpoint(config, parameters, tokenizer);
    }

    /**
     * The tokenizer of the checkpoint in {@code directory}: the one {@code config.json}'s {@code prefdyn_tokenizer}
     * names, built from the files beside it (see {@link CheckpointTokenizer}).
     *
     * @throws CheckpointException for an unknown tokenizer name or a missing or malformed vocabulary file
     */
    public static Tokenizer readTokenizer(Path directory) throws IOException {
        readConfig(directory); // the same errors as load for a missing or invalid config.json
        return CheckpointTokenizer.read(directory, ConfigJson.readTokenizerName(directory.resolve(CONFIG_FILE)));
    }

    /** Reads only the configuration of the checkpoint in {@code directory}. */
    public static GptConfig readConfig(Path directory) throws IOException {
        Path configFile = directory.resolve(CONFIG_FILE);
        if (!Files.exists(configFile)) {
            throw new CheckpointException(configFile, "missing " + CONFIG_FILE + " in checkpoint directory "
                    + directory);
        }
        return ConfigJson.read(configFile);
    }

    /**
     * Saves extra named arrays (for example AdamW's moments, or a gradient) as 1-D F64 tensors in their own
     * safetensors file, atomically.
     *
     * @param arrays name → values, each any length; stored losslessly
     */
    public static void saveArrays(Path file, Map<String, double[]> arrays) throws IOException {
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> array : arrays.entrySet()) {
            double[] values = array.getValue();
            tensors.put(array.getKey(), TensorData.f64(new int[] {values.length}, values));
        }
        SafeTensors.write(file, tensors, Map.of("format", "pt"));
    }

    /**
     * Reads arrays saved by {@link #saveArrays}; any floating-point tensor is accepted and flattened row-major.
     *
     * @return name → values, in file order
     */
    public static Map<String, double[]> loadArrays(Path file) throws IOException {
        Map<String, double[]> arrays = new LinkedHashMap<>();
        for (Map.Entry<String, TensorData> tensor : SafeTensors.read(file).tensors().entrySet()) {
            if (!tensor.getValue().dtype().isFloatingPoint()) {
                throw new CheckpointException(file, "tensor '" + tensor.getKey() + "' has dtype "
                        + tensor.getValue().dtype() + " but arrays must be F64 or F32");
            }
            arrays.put(tensor.getKey(), tensor.getValue().doubles());
        }
        return arrays;
    }

    /**
     * Before anything is allocated: the weights file must be at least as long as the configuration's parameters
     * take in F32 (its smallest floating-point dtype), and the model must fit one flat Java array. {@link #load}
     * checks this; a caller can check it before estimating memory.
     */
    public static void requireWeightsFit(Path directory, GptConfig config) throws IOException {
        Path modelFile = directory.resolve(MODEL_FILE);
        if (!Files.isRegularFile(modelFile)) {
            throw new CheckpointException(modelFile, Files.exists(modelFile) ? "is not a regular file"
                    : "not found (missing " + MODEL_FILE + ")");
        }
        requireSizeFits(modelFile, config);
    }

    private static void requireSizeFits(Path modelFile, GptConfig config) throws IOException {
        long count = config.parameterCount();
        long length = Files.size(modelFile);
        if (length < count * 4) {
            throw new CheckpointException(modelFile, "config.json describes " + count + " parameters (at least "
                    + count * 4 + " bytes as F32) but the file holds only " + length + " bytes");
        }
        if (count > Integer.MAX_VALUE - 8) {
            throw new CheckpointException(modelFile, "config.json describes " + count + " parameters, more than one "
                    + "Java array holds");
        }
    }

    /**
     * Refuses a loaded model holding NaN or ±∞, naming the file, the tensor and its first such element (row-major
     * index), so a damaged checkpoint fails at load rather than as a non-finite loss steps later. {@link #load}
     * itself is lossless for any value; the command line and resume points load through this check.
     */
    public static void requireFinite(Path directory, LoadedCheckpoint loaded) throws CheckpointException {
        double[] parameters = loaded.parameters();
        for (TensorView view : new ParameterLayout(loaded.config()).tensors()) {
            for (int i = 0; i < view.size(); i++) {
                double value = parameters[view.offset() + i];
                if (!Double.isFinite(value)) {
                    throw new CheckpointException(directory.resolve(MODEL_FILE), "tensor '" + view.name() + "' holds "
                            + value + " at index " + i + " (of " + view.size() + "); a checkpoint must be finite");
                }
            }
        }
    }

    /** Every layout tensor present and nothing else, or one message naming all that are missing or unexpected. */
    private static void checkTensorNames(Path modelFile, ParameterLayout layout, Map<String, TensorData> tensors)
            throws CheckpointException {
        List<String> missing = new ArrayList<>();
        for (TensorView view : layout.tensors()) {
            if (!tensors.containsKey(view.name())) {
                missing.add(view.name());
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (String name : tensors.keySet()) {
            if (!layout.contains(name)) {
                unexpected.add(name);
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            throw new CheckpointException(modelFile, "tensors do not match " + CONFIG_FILE + " (" + layout.config()
                    + "): missing " + missing + ", unexpected " + unexpected);
        }
    }

    /** The copy of config.json inside the weights file, if any, must describe the same model. */
    private static void checkSavedConfig(Path directory, Path modelFile, Map<String, String> metadata,
                                         GptConfig config) throws CheckpointException {
        String saved = metadata.get(METADATA_CONFIG);
        if (saved == null) {
            return;
        }
        GptConfig savedConfig = ConfigJson.parse(modelFile, saved);
        if (!savedConfig.equals(config)) {
            throw new CheckpointException(directory, MODEL_FILE + " was saved for " + savedConfig + " but "
                    + CONFIG_FILE + " describes " + config + " (interrupted save?)");
        }
    }
}
