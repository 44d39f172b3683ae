package prefdyn.reference.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.ParameterLayout;
import prefdyn.reference.util.JsonFiles;

/** Each way a checkpoint can be broken gives a CheckpointException naming the file and the tensor or field. */
class CheckpointValidationTest {

    /** No heads, so the last tensor in the file is ln_f.bias. */
    private static final GptConfig CONFIG = new GptConfig(257, 8, 2, 4, 16, false, false);

    @TempDir
    Path directory;

    private Path modelFile;
    private Path configFile;

    @BeforeEach
    void saveAValidCheckpoint() throws IOException {
        double[] parameters = new Random(5).doubles(new ParameterLayout(CONFIG).size()).toArray();
        Checkpoint.save(directory, CONFIG, parameters);
        modelFile = directory.resolve(Checkpoint.MODEL_FILE);
        configFile = directory.resolve(Checkpoint.CONFIG_FILE);
    }

    // ------------------------------------------------------------ model.safetensors

    @Test
    void truncatedDataNamesTheLastTensor() throws IOException {
        SafeTensorsFiles.truncate(modelFile, 5);

        assertThatThrownBy(() -> Checkpoint.load(directory))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(modelFile.toString())
                .hasMessageContaining("'ln_f.bias'")
                .hasMessageContaining("truncated");
    }

    @Test
    void headerLengthBeyondTheFileIsReported() throws IOException {
        SafeTensorsFiles.truncate(modelFile, (int) Files.size(modelFile) - 20);

        assertThatThrownBy(() -> Checkpoint.load(directory))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(modelFile.toString())
                .hasMessageContaining("header length")
                .hasMessageContaining("20-byte file");
    }

    @Test
    void fileShorterThanTheLengthPrefixIsReported() throws IOException {
        Files.write(modelFile, new byte[] {1, 2, 3});

        assertThatThrownBy(() -> Checkpoint.load(directory))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(modelFile.toString())
                .hasMessageContaining("3 bytes");
    }

    @Test
    void corruptHeaderJsonIncludesTheJsonError() throws IOException {
        SafeTensorsFiles.setByte(modelFile, 9, 'x');  // {"__metadata__"... becomes {x__metadata__"...

        assertThatThrownBy(() -> Checkpoint.load(directory))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(modelFile.toString())
                .hasMessageContaining("corrupt header JSON")
                .hasMessageContaining("was expecting double-quote to start field name at line 1, column 2");
    }

    @Test
    void missingTensorIsNamed() throws IOException {
        rewriteModel(tensors -> tensors.remove("h.1.mlp.c_fc.bias"));

        assertThatThrownBy(() -> Checkpoint.load(directory))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(modelFile.toString())
                .hasMessageContaining("missing [h.1.mlp.c_fc.bias]");
    }

    @Test
    void extraTensorIsNamed() throws IOException {
        rewriteModel(tensors -> tensors.put("lm_head.weight", tensors.get("wte.weight")));

        assertThatThrownBy(() -> Checkpoint.load(directory))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(modelFile.toString())
                .hasMessageContaining("unexpected [lm_head.weight]");
    }

    @Test
    void wrongShapeNamesTheTensorAndBothShapes() throws IOException {
        rewriteModel(tensors -> tensors.put("wpe.weight",
                TensorData.f64(new int[] {16, 8}, tensors.get("wpe.weight").doubles())));

        assertThatThrownBy(() -> Checkpoint.load(directory))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(modelFile.toString())
                .hasMessageContaining("'wpe.weight' has shape [16, 8] but config.json expects [8, 16]");
    }

    @Test
    void integerDtypeForAParameterIsReported() throws IOException {
        rewriteModel(tensors -> tensors.put("ln_f.bias", TensorData.i64(new int[] {16}, new long[16])));

        assertThatThrownBy(() -> Checkpoint.load(directory))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(modelFile.toString())
                .hasMessageContaining("'ln_f.bias' has dtype I64");
    }

    @Test
    void missingWeightsFileIsReported() throws IOException {
        Files.delete(modelFile);

        assertThatThrownBy(() -> Checkpoint.load(directory))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(modelFile.toString())
                .hasMessageContaining("not found");
    }

    @Test
    void weightsSavedForAnotherConfigAreRefused() throws IOException {
        // Same tensor shapes, different head count: only the config copy in the weights file can tell.
        ConfigJson.write(configFile, new GptConfig(257, 8, 2, 2, 16, false, false), Precision.FLOAT64);

        assertThatThrownBy(() -> Checkpoint.load(directory))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(directory.toString())
                .hasMessageContaining("numHeads=4")
                .hasMessageContaining("numHeads=2")
                .hasMessageContaining("interrupted save");
    }

    // ------------------------------------------------------------ config.json

    @Test
    void missingConfigJsonIsReported() throws IOException {
        Files.delete(configFile);

        assertThatThrownBy(() -> Checkpoint.load(directory))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(configFile.toString())
                .hasMessageContaining("missing config.json");
    }

    @Test
    void missingFieldIsNamedWithItsType() throws IOException {
        editConfig(json -> json.remove("n_head"));

        assertThatThrownBy(() -> Checkpoint.load(directory))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(configFile.toString())
                .hasMessageContaining("missing field \"n_head\" (expected an integer)");
    }

    @Test
    void illTypedFieldIsNamedWithItsType() throws IOException {
        editConfig(json -> json.put("n_embd", "16"));

        assertThatThrownBy(() -> Checkpoint.load(directory))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(configFile.toString())
                .hasMessageContaining("field \"n_embd\" must be an integer, got a string \"16\"");
    }

    @Test
    void illTypedHeadFlagIsNamed() throws IOException {
        editConfig(json -> json.put("prefdyn_value_head", "yes"));

        assertThatThrownBy(() -> Checkpoint.load(directory))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(configFile.toString())
                .hasMessageContaining("field \"prefdyn_value_head\" must be a boolean");
    }

    @Test
    void unsupportedActivationIsNamed() throws IOException {
        editConfig(json -> json.put("activation_function", "relu"));

        assertThatThrownBy(() -> Checkpoint.load(directory))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(configFile.toString())
                .hasMessageContaining("field \"activation_function\" is \"relu\" but prefdyn models need \"gelu_new\"");
    }

    @Test
    void invalidModelShapeIsReported() throws IOException {
        editConfig(json -> json.put("n_head", 5L));

        assertThatThrownBy(() -> Checkpoint.load(directory))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(configFile.toString())
                .hasMessageContaining("must be divisible by numHeads (n_head) = 5");
    }

    @Test
    void invalidConfigJsonIncludesTheJsonError() throws IOException {
        Files.writeString(configFile, "{\"n_head\": 4,");

        assertThatThrownBy(() -> Checkpoint.load(directory))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(configFile.toString())
                .hasMessageContaining("invalid JSON")
                .hasMessageContaining("line 1");
    }

    @Test
    void plainHuggingFaceConfigWithoutPrefdynFieldsStillReads() throws IOException {
        Files.writeString(configFile, "{\"model_type\": \"gpt2\", \"vocab_size\": 257, \"n_positions\": 8,"
                + " \"n_layer\": 2, \"n_head\": 4, \"n_embd\": 16, \"n_inner\": 64, \"layer_norm_epsilon\": 0.00001}");

        assertThat(Checkpoint.readConfig(directory)).isEqualTo(CONFIG);
    }

    // ------------------------------------------------------------ helpers

    private interface Edit<T> {
        void apply(T value) throws IOException;
    }

    private void rewriteModel(Edit<Map<String, TensorData>> edit) throws IOException {
        SafeTensors.Contents contents = SafeTensors.read(modelFile);
        Map<String, TensorData> tensors = new LinkedHashMap<>(contents.tensors());
        edit.apply(tensors);
        SafeTensors.write(modelFile, tensors, contents.metadata());
    }

    private void editConfig(Edit<Map<String, Object>> edit) throws IOException {
        Map<String, Object> json = JsonFiles.parseObject(Files.readString(configFile));
        edit.apply(json);
        Files.writeString(configFile, JsonFiles.write(json));
    }
}
