package prefdyn.reference.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.ParameterLayout;

/** Saving replaces files by atomic rename: no temporary files stay behind and a failed save changes nothing. */
class CheckpointAtomicityTest {

    private static final GptConfig CONFIG = new GptConfig(257, 8, 2, 4, 16, true, false);

    @TempDir
    Path directory;

    private static double[] parameters(GptConfig config, long seed) {
        return new Random(seed).doubles(new ParameterLayout(config).size(), -1, 1).toArray();
    }

    private List<String> fileNames() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void savingLeavesExactlyTheTwoFilesAndNoTemporaries() throws IOException {
        Checkpoint.save(directory, CONFIG, parameters(CONFIG, 1));
        Checkpoint.save(directory, CONFIG, parameters(CONFIG, 2), Precision.FLOAT32);

        assertThat(fileNames()).containsExactly(Checkpoint.CONFIG_FILE, Checkpoint.MODEL_FILE);
    }

    @Test
    void savingOverAnotherCheckpointReplacesIt() throws IOException {
        GptConfig other = new GptConfig(100, 4, 1, 2, 8, false, true);
        double[] newer = parameters(other, 4);
        Checkpoint.save(directory, CONFIG, parameters(CONFIG, 3));

        Checkpoint.save(directory, other, newer);

        LoadedCheckpoint loaded = Checkpoint.load(directory);
        assertThat(loaded.config()).isEqualTo(other);
        assertThat(loaded.parameters()).containsExactly(newer);
    }

    @Test
    void wrongParameterCountFailsBeforeWritingAnything() throws IOException {
        double[] original = parameters(CONFIG, 5);
        Checkpoint.save(directory, CONFIG, original);
        byte[] modelBefore = Files.readAllBytes(directory.resolve(Checkpoint.MODEL_FILE));
        byte[] configBefore = Files.readAllBytes(directory.resolve(Checkpoint.CONFIG_FILE));
        double[] tooShort = new double[original.length - 1];

        assertThatThrownBy(() -> Checkpoint.save(directory, CONFIG, tooShort))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("parameters has " + tooShort.length + " elements");

        assertThat(fileNames()).containsExactly(Checkpoint.CONFIG_FILE, Checkpoint.MODEL_FILE);
        assertThat(Files.readAllBytes(directory.resolve(Checkpoint.MODEL_FILE))).isEqualTo(modelBefore);
        assertThat(Files.readAllBytes(directory.resolve(Checkpoint.CONFIG_FILE))).isEqualTo(configBefore);
        assertThat(Checkpoint.load(directory).parameters()).containsExactly(original);
    }

    @Test
    void writeThatFailsHalfwayLeavesTheOldFileAndNoTemporary() throws IOException {
        Path target = directory.resolve("data.bin");
        Files.write(target, new byte[] {1, 2, 3});

        assertThatThrownBy(() -> AtomicFile.write(target, out -> {
            out.write(new byte[100_000]);
            throw new IOException("disk full");
        })).isInstanceOf(IOException.class).hasMessage("disk full");

        assertThat(Files.readAllBytes(target)).containsExactly(1, 2, 3);
        assertThat(fileNames()).containsExactly("data.bin");
    }

    @Test
    void failedSafeTensorsWriteKeepsThePreviousCheckpointLoadable() throws IOException {
        double[] original = parameters(CONFIG, 6);
        Checkpoint.save(directory, CONFIG, original);
        TensorData bad = TensorData.f64(new int[] {2}, new double[] {1, 2});

        // A reserved name is rejected before the file is touched.
        assertThatThrownBy(() -> SafeTensors.write(directory.resolve(Checkpoint.MODEL_FILE),
                Map.of(SafeTensors.METADATA_KEY, bad), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(SafeTensors.METADATA_KEY);

        assertThat(fileNames()).containsExactly(Checkpoint.CONFIG_FILE, Checkpoint.MODEL_FILE);
        assertThat(Checkpoint.load(directory).parameters()).containsExactly(original);
    }
}
