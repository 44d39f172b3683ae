package prefdyn.reference.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The byte format itself: a known answer written by hand, and every supported dtype read back. */
class CheckpointSafeTensorsFormatTest {

    @TempDir
    Path directory;

    @Test
    void oneTwoByTwoFloat64TensorHasTheExactBytesOfTheSpecification() throws IOException {
        Path file = directory.resolve("tiny.safetensors");
        Map<String, TensorData> tensors = Map.of("w", TensorData.f64(new int[] {2, 2}, new double[] {1.0, 2.0, 3.0, -0.5}));

        SafeTensors.write(file, tensors, Map.of());

        byte[] bytes = Files.readAllBytes(file);
        String header = "{\"w\":{\"dtype\":\"F64\",\"shape\":[2,2],\"data_offsets\":[0,32]}}";
        assertThat(header).hasSize(57);
        String paddedHeader = header + " ".repeat(7);  // padded with spaces to 64, a multiple of 8
        String expectedHex = "4000000000000000"      // u64 little-endian header length = 64
                + HexFormat.of().formatHex(paddedHeader.getBytes(StandardCharsets.US_ASCII))
                + "000000000000f03f"                 // 1.0  = 0x3FF0000000000000, little-endian
                + "0000000000000040"                 // 2.0  = 0x4000000000000000
                + "0000000000000840"                 // 3.0  = 0x4008000000000000
                + "000000000000e0bf";                // -0.5 = 0xBFE0000000000000
        assertThat(HexFormat.of().formatHex(bytes)).isEqualTo(expectedHex);
        assertThat(bytes).hasSize(8 + 64 + 32);
    }

    @Test
    void metadataComesFirstInTheHeader() throws IOException {
        Path file = directory.resolve("meta.safetensors");
        SafeTensors.write(file, Map.of("x", TensorData.i32(new int[] {1}, new int[] {7})), Map.of("format", "pt"));

        byte[] bytes = Files.readAllBytes(file);
        int headerLength = (int) ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(bytes, 8, headerLength, StandardCharsets.UTF_8);
        assertThat(header).isEqualTo("{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"x\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[0,4]}}" + " ".repeat(headerLength - 85));
        assertThat(headerLength % 8).isZero();
        assertThat(bytes).hasSize(8 + headerLength + 4);
    }

    @Test
    void everySupportedDtypeRoundTrips() throws IOException {
        Path file = directory.resolve("mixed.safetensors");
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        tensors.put("input_ids", TensorData.i64(new int[] {2, 3}, new long[] {0, 256, Long.MAX_VALUE, -1, Long.MIN_VALUE, 5}));
        tensors.put("mask", TensorData.i32(new int[] {3}, new int[] {Integer.MIN_VALUE, 0, Integer.MAX_VALUE}));
        tensors.put("logp", TensorData.f32(new int[] {2}, new double[] {0.1, -3.5}));
        tensors.put("loss", TensorData.f64(new int[] {}, new double[] {Math.PI}));
        tensors.put("nothing", TensorData.f64(new int[] {0, 4}, new double[0]));
        Map<String, String> metadata = Map.of("kind", "grad dump", "step", "12");

        SafeTensors.write(file, tensors, metadata);
        SafeTensors.Contents contents = SafeTensors.read(file);

        assertThat(contents.metadata()).isEqualTo(metadata);
        assertThat(contents.tensors().keySet()).containsExactly("input_ids", "mask", "logp", "loss", "nothing");
        assertThat(contents.tensors().get("input_ids").dtype()).isEqualTo(DType.I64);
        assertThat(contents.tensors().get("input_ids").shape()).containsExactly(2, 3);
        assertThat(contents.tensors().get("input_ids").longs())
                .containsExactly(0, 256, Long.MAX_VALUE, -1, Long.MIN_VALUE, 5);
        assertThat(contents.tensors().get("mask").dtype()).isEqualTo(DType.I32);
        assertThat(contents.tensors().get("mask").ints()).containsExactly(Integer.MIN_VALUE, 0, Integer.MAX_VALUE);
        assertThat(contents.tensors().get("logp").dtype()).isEqualTo(DType.F32);
        assertThat(contents.tensors().get("logp").doubles()).containsExactly((float) 0.1, -3.5);
        assertThat(contents.tensors().get("loss").shape()).isEmpty();
        assertThat(contents.tensors().get("loss").doubles()).containsExactly(Math.PI);
        assertThat(contents.tensors().get("nothing").shape()).containsExactly(0, 4);
        assertThat(contents.tensors().get("nothing").doubles()).isEmpty();
    }

    @Test
    void readsAHeaderWrittenInAnotherOrderWithExtraPadding() throws IOException {
        // As other writers may do: tensors listed out of data order, metadata last, generous space padding.
        Path file = directory.resolve("other.safetensors");
        String header = "{\"b\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[8,12]},"
                + "\"a\":{\"shape\":[1],\"dtype\":\"F64\",\"data_offsets\":[0,8]},"
                + "\"__metadata__\":{\"format\":\"pt\"}}" + " ".repeat(20);
        byte[] data = HexFormat.of().parseHex("000000000000f03f" + "feffffff");
        SafeTensorsFiles.writeRaw(file, header, data);

        SafeTensors.Contents contents = SafeTensors.read(file);

        assertThat(contents.tensors().keySet()).containsExactly("a", "b");
        assertThat(contents.tensors().get("a").doubles()).containsExactly(1.0);
        assertThat(contents.tensors().get("b").longs()).containsExactly(-2);
        assertThat(contents.metadata()).containsEntry("format", "pt");
    }
}
