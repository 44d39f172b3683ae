package prefdyn.reference.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.tokenizer.ByteTokenizer;
import prefdyn.reference.tokenizer.Tokenizer;
import prefdyn.reference.util.JsonFiles;

/**
 * The {@code config.json} of a checkpoint: the fields Hugging Face's {@code GPT2Config} reads, so that
 * {@code GPT2LMHeadModel.from_pretrained(dir)} builds the same network, plus three prefdyn fields
 * ({@code prefdyn_value_head}, {@code prefdyn_reward_head}, {@code prefdyn_tokenizer}, see {@link CheckpointTokenizer}) that
 * transformers keeps as extra attributes and ignores.
 *
 * <p>Reading rebuilds the {@link GptConfig} from {@code vocab_size}, {@code n_positions}, {@code n_layer},
 * {@code n_head}, {@code n_embd} (required integers) and the two head flags (optional booleans, default
 * false). Fields that would make transformers compute a different function than the reference
 * ({@code activation_function}, {@code layer_norm_epsilon}, {@code n_inner}, ...) are checked when present.
 */
public final class ConfigJson {

    /** Fields that are optional but, when present, must hold the value the reference's math assumes. */
    private static final Map<String, Object> FIXED_FIELDS = fixedFields();

    private ConfigJson() {
    }

    /** The JSON object for {@code config} with the byte-level tokenizer. */
    public static Map<String, Object> toJson(GptConfig config, Precision precision) {
        return toJson(config, precision, ByteTokenizer.asTokenizer());
    }

    /**
     * The JSON object for {@code config}, with {@code torch_dtype} from {@code precision}, and the tokenizer's name
     * ({@code prefdyn_tokenizer}) and end-of-text id ({@code bos_token_id}, {@code eos_token_id}).
     */
    public static Map<String, Object> toJson(GptConfig config, Precision precision, Tokenizer tokenizer) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model_type", "gpt2");
        json.put("architectures", List.of("GPT2LMHeadModel"));
        json.put("vocab_size", config.vocabSize());
        json.put("n_positions", config.contextLength());
        json.put("n_ctx", config.contextLength());
        json.put("n_embd", config.channels());
        json.put("n_layer", config.numLayers());
        json.put("n_head", config.numHeads());
        json.put("n_inner", null);
        json.put("activation_function", "gelu_new");
        json.put("layer_norm_epsilon", GptConfig.LAYER_NORM_EPS);
        json.put("resid_pdrop", 0.0);
        json.put("embd_pdrop", 0.0);
        json.put("attn_pdrop", 0.0);
        json.put("bos_token_id", tokenizer.endOfText());
        json.put("eos_token_id", tokenizer.endOfText());
        json.put("tie_word_embeddings", true);
        json.put("torch_dtype", precision.torchDtype());
        json.put("prefdyn_value_head", config.valueHead());
        json.put("prefdyn_reward_head", config.rewardHead());
        json.put("prefdyn_tokenizer", tokenizer.name());
        return json;
    }

    /** Writes {@code config.json} atomically (see {@link AtomicFile}), pretty enough to read: one field a line. */
    public static void write(Path file, GptConfig config, Precision precision) throws IOException {
        write(file, config, precision, ByteTokenizer.asTokenizer());
    }

    /** Writes {@code config.json} for a model that uses {@code tokenizer}, atomically. */
    public static void write(Path file, GptConfig config, Precision precision, Tokenizer tokenizer)
            throws IOException {
        byte[] bytes = JsonFiles.writeOneKeyPerLine(toJson(config, precision, tokenizer))
                .getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(file, out -> out.write(bytes));
    }

    /** Reads {@code file} and rebuilds the model configuration, failing with the field that is wrong. */
    public static GptConfig read(Path file) throws IOException {
        return parse(file, readText(file));
    }

    /** The {@code prefdyn_tokenizer} field of {@code file}, or null when absent; a non-string is refused. */
    public static String readTokenizerName(Path file) throws IOException {
        Object name;
        try {
            name = JsonFiles.parseObject(readText(file)).get("prefdyn_tokenizer");
        } catch (JsonFiles.JsonException invalid) {
            throw new CheckpointException(file, "invalid JSON: " + invalid.getMessage(), invalid);
        }
        if (name != null && !(name instanceof String)) {
            throw new CheckpointException(file, "field \"prefdyn_tokenizer\" must be a string, got "
                    + JsonFiles.describe(name) + " " + JsonFiles.write(name));
        }
        return (String) name;
    }

    private static String readText(Path file) throws IOException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
        } catch (NoSuchFileException missing) {
            throw new CheckpointException(file, "file not found", missing);
        } catch (CharacterCodingException notUtf8) {
            throw new CheckpointException(file, "not valid UTF-8", notUtf8);
        }
        return text;
    }

    /** Parses config.json text; {@code file} only names the source in error messages. */
    public static GptConfig parse(Path file, String text) throws CheckpointException {
        Map<String, Object> json;
        try {
            json = JsonFiles.parseObject(text);
        } catch (JsonFiles.JsonException invalid) {
            throw new CheckpointException(file, "invalid JSON: " + invalid.getMessage(), invalid);
        }
        for (Map.Entry<String, Object> fixed : FIXED_FIELDS.entrySet()) {
            String field = fixed.getKey();
            if (json.containsKey(field) && !sameJsonValue(json.get(field), fixed.getValue())) {
                throw new CheckpointException(file, "field \"" + field + "\" is " + JsonFiles.write(json.get(field))
                        + " but prefdyn models need " + JsonFiles.write(fixed.getValue()));
            }
        }
        int vocabSize = requiredInt(file, json, "vocab_size");
        int positions = requiredInt(file, json, "n_positions");
        int layers = requiredInt(file, json, "n_layer");
        int heads = requiredInt(file, json, "n_head");
        int channels = requiredInt(file, json, "n_embd");
        Object inner = json.get("n_inner");
        if (inner != null && !sameJsonValue(inner, 4L * channels)) {
            throw new CheckpointException(file, "field \"n_inner\" is " + JsonFiles.write(inner)
                    + " but prefdyn models need null or 4 * n_embd = " + 4L * channels);
        }
        boolean valueHead = optionalBoolean(file, json, "prefdyn_value_head");
        boolean rewardHead = optionalBoolean(file, json, "prefdyn_reward_head");
        try {
            return new GptConfig(vocabSize, positions, layers, heads, channels, valueHead, rewardHead);
        } catch (IllegalArgumentException invalid) {
            throw new CheckpointException(file, "describes an invalid model: " + invalid.getMessage(), invalid);
        }
    }

    private static int requiredInt(Path file, Map<String, Object> json, String field) throws CheckpointException {
        if (!json.containsKey(field)) {
            throw new CheckpointException(file, "missing field \"" + field + "\" (expected an integer)");
        }
        Object value = json.get(field);
        if (!(value instanceof Long number) || number != number.intValue()) {
            throw new CheckpointException(file, "field \"" + field + "\" must be an integer, got "
                    + JsonFiles.describe(value) + " " + JsonFiles.write(value));
        }
        return number.intValue();
    }

    private static boolean optionalBoolean(Path file, Map<String, Object> json, String field)
            throws CheckpointException {
        Object value = json.get(field);
        if (value == null) {
            return false;
        }
        if (!(value instanceof Boolean flag)) {
            throw new CheckpointException(file, "field \"" + field + "\" must be a boolean, got "
                    + JsonFiles.describe(value) + " " + JsonFiles.write(value));
        }
        return flag;
    }

    /** Equality of parsed JSON values, comparing numbers by value (1e-5 equals 0.00001, 4 equals 4.0). */
    private static boolean sameJsonValue(Object actual, Object expected) {
        if (actual instanceof Number a && expected instanceof Number b) {
            return a.doubleValue() == b.doubleValue();
        }
        return Objects.equals(actual, expected);
    }

    private static Map<String, Object> fixedFields() {
        Map<String, Object> fixed = new LinkedHashMap<>();
        fixed.put("model_type", "gpt2");
        fixed.put("activation_function", "gelu_new");
        fixed.put("layer_norm_epsilon", GptConfig.LAYER_NORM_EPS);
        fixed.put("tie_word_embeddings", true);
        fixed.put("scale_attn_weights", true);
        fixed.put("scale_attn_by_inverse_layer_idx", false);
        return fixed;
    }
}
