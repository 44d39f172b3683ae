package prefdyn.reference.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.ParameterLayout;
import prefdyn.reference.model.TensorView;
import prefdyn.reference.tokenizer.ByteTokenizer;
import prefdyn.reference.util.JsonFiles;

class CheckpointRoundTripTest {

    @TempDir
    Path directory;

    static List<GptConfig> configs() {
        return List.of(
                new GptConfig(257, 8, 2, 4, 16, false, false),
                new GptConfig(257, 8, 1, 2, 8, true, false),
                new GptConfig(11, 5, 3, 1, 6, false, true),
                new GptConfig(13, 4, 2, 3, 12, true, true));
    }

    /** Gaussian values of many magnitudes plus the edge cases of binary64 (signed zero, subnormals, infinities). */
    static double[] parameters(GptConfig config, long seed) {
        Random random = new Random(seed);
        double[] special = {-0.0, 0.0, Double.MIN_VALUE, -Double.MIN_NORMAL / 3, Double.MAX_VALUE,
                Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, 1e-300, -1e300};
        double[] values = new double[new ParameterLayout(config).size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextGaussian() * Math.pow(10, random.nextInt(21) - 10);
        }
        for (int i = 0; i < special.length; i++) {
            values[random.nextInt(values.length)] = special[i];
        }
        return values;
    }

    @ParameterizedTest
    @MethodSource("configs")
    void float64RoundTripIsBitIdentical(GptConfig config) throws IOException {
        double[] saved = parameters(config, 42);

        Checkpoint.save(directory, config, saved);
        LoadedCheckpoint loaded = Checkpoint.load(directory);

        assertThat(loaded.config()).isEqualTo(config);
        assertThat(loaded.parameters()).hasSameSizeAs(saved);
        for (int i = 0; i < saved.length; i++) {
            assertThat(Double.doubleToRawLongBits(loaded.parameters()[i]))
                    .as("parameter %d", i)
                    .isEqualTo(Double.doubleToRawLongBits(saved[i]));
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void float32RoundTripGivesTheFloatCastOfEachValue(GptConfig config) throws IOException {
        double[] saved = parameters(config, 7);

        Checkpoint.save(directory, config, saved, Precision.FLOAT32);
        LoadedCheckpoint loaded = Checkpoint.load(directory);

        assertThat(loaded.config()).isEqualTo(config);
        for (int i = 0; i < saved.length; i++) {
            double expected = (float) saved[i];
            assertThat(Double.doubleToRawLongBits(loaded.parameters()[i]))
                    .as("parameter %d = %s", i, saved[i])
                    .isEqualTo(Double.doubleToRawLongBits(expected));
        }
        SafeTensors.Contents contents = SafeTensors.read(directory.resolve(Checkpoint.MODEL_FILE));
        assertThat(contents.tensors().values()).allSatisfy(tensor -> assertThat(tensor.dtype()).isEqualTo(DType.F32));
    }

    @Test
    void weightsFileUsesHuggingFaceNamesShapesAndMetadata() throws IOException {
        GptConfig config = new GptConfig(257, 8, 2, 4, 16, true, true);
        Checkpoint.save(directory, config, parameters(config, 1));

        SafeTensors.Contents contents = SafeTensors.read(directory.resolve(Checkpoint.MODEL_FILE));

        ParameterLayout layout = new ParameterLayout(config);
        assertThat(contents.tensors().keySet())
                .containsExactlyElementsOf(layout.tensors().stream().map(TensorView::name).toList());
        assertThat(contents.tensors().get("h.1.attn.c_attn.weight").shape()).containsExactly(16, 48);
        assertThat(contents.tensors().get("h.0.mlp.c_proj.weight").shape()).containsExactly(64, 16);
        assertThat(contents.tensors().get("wte.weight").shape()).containsExactly(257, 16);
        assertThat(contents.tensors().get("v_head.summary.weight").shape()).containsExactly(1, 16);
        assertThat(contents.tensors().get("score.weight").dtype()).isEqualTo(DType.F64);
        assertThat(contents.metadata())
                .containsEntry("format", "pt")
                .containsEntry(Checkpoint.METADATA_TOKENIZER, ByteTokenizer.NAME)
                .containsKey(Checkpoint.METADATA_CONFIG);
    }

    @Test
    void configJsonHasWhatGpt2ConfigReads() throws IOException {
        GptConfig config = new GptConfig(257, 32, 3, 4, 16, true, false);
        Checkpoint.save(directory, config, parameters(config, 3), Precision.FLOAT32);

        Map<String, Object> json = JsonFiles.parseObject(Files.readString(directory.resolve(Checkpoint.CONFIG_FILE)));

        assertThat(json)
                .containsEntry("model_type", "gpt2")
                .containsEntry("architectures", List.of("GPT2LMHeadModel"))
                .containsEntry("vocab_size", 257L)
                .containsEntry("n_positions", 32L)
                .containsEntry("n_ctx", 32L)
                .containsEntry("n_embd", 16L)
                .containsEntry("n_layer", 3L)
                .containsEntry("n_head", 4L)
                .containsEntry("n_inner", null)
                .containsEntry("activation_function", "gelu_new")
                .containsEntry("layer_norm_epsilon", 1e-5)
                .containsEntry("resid_pdrop", 0.0)
                .containsEntry("embd_pdrop", 0.0)
                .containsEntry("attn_pdrop", 0.0)
                .containsEntry("bos_token_id", 256L)
                .containsEntry("eos_token_id", 256L)
                .containsEntry("tie_word_embeddings", true)
                .containsEntry("torch_dtype", "float32")
                .containsEntry("prefdyn_value_head", true)
                .containsEntry("prefdyn_reward_head", false)
                .containsEntry("prefdyn_tokenizer", ByteTokenizer.NAME);
        assertThat(Checkpoint.readConfig(directory)).isEqualTo(config);
    }

    @Test
    void extraArraysRoundTripLosslessly() throws IOException {
        Random random = new Random(11);
        Map<String, double[]> arrays = new LinkedHashMap<>();
        arrays.put("exp_avg", random.doubles(37).toArray());
        arrays.put("exp_avg_sq", random.doubles(37).toArray());
        arrays.put("empty", new double[0]);
        Path file = directory.resolve("optimizer.safetensors");

        Checkpoint.saveArrays(file, arrays);
        Map<String, double[]> loaded = Checkpoint.loadArrays(file);

        assertThat(loaded.keySet()).containsExactly("exp_avg", "exp_avg_sq", "empty");
        for (String name : arrays.keySet()) {
            assertThat(loaded.get(name)).as(name).containsExactly(arrays.get(name));
        }
    }
}
