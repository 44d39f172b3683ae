package prefdyn.reference.checkpoint;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hand-built broken safetensors files: each problem is reported with the file and the tensor it concerns. */
class CheckpointSafeTensorsValidationTest {

    @TempDir
    Path directory;

    private static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin
                + "," + end + "]}";
    }

    private Path file(String header, int dataBytes) throws Exception {
        Path file = directory.resolve("broken.safetensors");
        SafeTensorsFiles.writeRaw(file, header, new byte[dataBytes]);
        return file;
    }

    @Test
    void overlappingTensorsAreNamed() throws Exception {
        Path file = file("{" + entry("a", "F64", "[2]", 0, 16) + "," + entry("b", "F64", "[2]", 8, 24) + "}", 24);

        assertThatThrownBy(() -> SafeTensors.read(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("tensor 'b' (data_offsets [8, 24]) overlaps tensor 'a'");
    }

    @Test
    void gapBetweenTensorsIsReported() throws Exception {
        Path file = file("{" + entry("a", "F64", "[2]", 0, 16) + "," + entry("b", "F64", "[2]", 24, 40) + "}", 40);

        assertThatThrownBy(() -> SafeTensors.read(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("gap in the data section: bytes [16, 24) before tensor 'b'");
    }

    @Test
    void trailingBytesAreReported() throws Exception {
        Path file = file("{" + entry("a", "F64", "[2]", 0, 16) + "}", 20);

        assertThatThrownBy(() -> SafeTensors.read(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("data section is 20 bytes but the tensors cover only 16");
    }

    @Test
    void dataShorterThanTheOffsetsIsReportedAsTruncation() throws Exception {
        Path file = file("{" + entry("a", "F64", "[2]", 0, 16) + "," + entry("b", "I32", "[3]", 16, 28) + "}", 25);

        assertThatThrownBy(() -> SafeTensors.read(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("tensor 'b' ends at byte 28 (file truncated?)");
    }

    @Test
    void spanThatDoesNotFitDtypeAndShapeIsReported() throws Exception {
        Path file = file("{" + entry("w", "F64", "[2,2]", 0, 16) + "}", 16);

        assertThatThrownBy(() -> SafeTensors.read(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("tensor 'w': data_offsets [0, 16] span 16 bytes but F64 [2, 2] needs 32");
    }

    @Test
    void unsupportedDtypeIsNamed() throws Exception {
        Path file = file("{" + entry("half", "BF16", "[2]", 0, 4) + "}", 4);

        assertThatThrownBy(() -> SafeTensors.read(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("tensor 'half': unsupported dtype BF16");
    }

    @Test
    void malformedShapeIsNamed() throws Exception {
        Path file = file("{" + entry("w", "F64", "[-1]", 0, 8) + "}", 8);

        assertThatThrownBy(() -> SafeTensors.read(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("tensor 'w': \"shape\" must be an array of non-negative integers, got [-1]");
    }

    @Test
    void missingOffsetsAreNamed() throws Exception {
        Path file = file("{\"w\":{\"dtype\":\"F64\",\"shape\":[1]}}", 8);

        assertThatThrownBy(() -> SafeTensors.read(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("tensor 'w': \"data_offsets\" must be an array of 2 non-negative integers,"
                        + " got nothing");
    }

    @Test
    void nonStringMetadataIsNamed() throws Exception {
        Path file = file("{\"__metadata__\":{\"step\":3}}", 0);

        assertThatThrownBy(() -> SafeTensors.read(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("metadata \"step\" must be a string, got a number");
    }

    @Test
    void headerThatIsNotAnObjectIsReported() throws Exception {
        Path file = file("[1, 2]", 0);

        assertThatThrownBy(() -> SafeTensors.read(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("corrupt header JSON");
    }
}
