package prefdyn.reference.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Test helpers that build or damage safetensors files byte by byte. */
final class SafeTensorsFiles {

    private SafeTensorsFiles() {
    }

    /** Writes {@code u64 LE header length, header, data} exactly as given. */
    static void writeRaw(Path file, String header, byte[] data) throws IOException {
        byte[] headerBytes = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(8 + headerBytes.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(headerBytes.length).put(headerBytes).put(data);
        Files.write(file, buffer.array());
    }

    /** Cuts the last {@code bytes} bytes off the file. */
    static void truncate(Path file, int bytes) throws IOException {
        byte[] content = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(content, content.length - bytes));
    }

    /** Overwrites one byte. */
    static void setByte(Path file, int position, char value) throws IOException {
        byte[] content = Files.readAllBytes(file);
        content[position] = (byte) value;
        Files.write(file, content);
    }
}
