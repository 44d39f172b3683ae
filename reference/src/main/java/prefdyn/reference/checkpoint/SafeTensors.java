package prefdyn.reference.checkpoint;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import prefdyn.reference.util.JsonFiles;

/**
 * Reads and writes the safetensors format (Hugging Face's {@code safetensors} specification), which PyTorch,
 * NumPy and JAX users load with the {@code safetensors} package.
 *
 * <p>As the specification describes it, a file is three parts in a row:
 * <ol>
 *   <li>8 bytes: N, the length of the header, as an unsigned 64-bit little-endian integer;</li>
 *   <li>N bytes: the header, a UTF-8 JSON object (its first byte is the opening brace) that may be padded at the end with
 *       spaces (we pad so the data starts at a multiple of 8 bytes). It maps each tensor name to
 *       {@code {"dtype": "F64", "shape": [2, 2], "data_offsets": [begin, end]}}, the offsets being byte positions
 *       relative to the start of the data section, end exclusive. The optional key {@code "__metadata__"} maps
 *       to an object of string → string;</li>
 *   <li>the data section: every tensor's elements, row-major and little-endian. Tensors must not overlap and
 *       together must cover the section exactly, with no gap and nothing after the last one.</li>
 * </ol>
 *
 * <p>{@link #read} checks all of this and reports the first problem as a {@link CheckpointException} naming the
 * file and the tensor: a header length beyond the file, a header that is not valid JSON (with the JSON error),
 * an unsupported dtype, a span of bytes that does not fit the dtype and shape, overlapping or gapped offsets,
 * and a data section shorter (truncated) or longer than the offsets say. Supported dtypes: see {@link DType}.
 */
public final class SafeTensors {

    /** The header key that holds string metadata rather than a tensor. */
    public static final String METADATA_KEY = "__metadata__";

    /** Largest header we accept, as the reference implementation does (100 MB); guards against a garbled length. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final int CHUNK_BYTES = 1 << 16;

    private SafeTensors() {
    }

    /**
     * What a safetensors file holds.
     *
     * @param tensors  tensors by name, in the order of their data in the file
     * @param metadata the {@code __metadata__} strings (empty if the file has none)
     */
    public record Contents(Map<String, TensorData> tensors, Map<String, String> metadata) {
    }

    /**
     * Writes {@code tensors} atomically (see {@link AtomicFile}): header entries and data follow the map's
     * iteration order.
     *
     * @param file     the file to create or replace
     * @param tensors  tensors by name; a name must be non-empty and not {@value #METADATA_KEY}
     * @param metadata strings stored under {@value #METADATA_KEY}; omitted when empty
     */
    public static void write(Path file, Map<String, TensorData> tensors, Map<String, String> metadata)
            throws IOException {
        byte[] header = headerBytes(tensors, metadata);
        AtomicFile.write(file, out -> {
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
            out.write(length.array());
            out.write(header);
            for (TensorData tensor : tensors.values()) {
                writeData(tensor, out);
            }
        });
    }

    /** Reads and validates a whole safetensors file. */
    public static Contents read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = channel.size();
            if (fileSize < 8) {
                throw new CheckpointException(file, "file is " + fileSize
                        + " bytes, too short for the 8-byte header length (truncated?)");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthBytes, 0, file);
            long headerLength = lengthBytes.flip().getLong();
            if (headerLength < 0 || headerLength > fileSize - 8) {
                throw new CheckpointException(file, "header length " + Long.toUnsignedString(headerLength)
                        + " runs past the end of the " + fileSize + "-byte file (truncated or not safetensors?)");
            }
            if (headerLength > MAX_HEADER_BYTES) {
                throw new CheckpointException(file, "header length " + headerLength + " exceeds the "
                        + MAX_HEADER_BYTES + "-byte limit");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            readFully(channel, headerBytes, 8, file);
            Map<String, Object> header = parseHeader(file, headerBytes.flip());
            long dataStart = 8 + headerLength;
            Map<String, String> metadata = parseMetadata(file, header.get(METADATA_KEY));
            List<Entry> entries = parseEntries(file, header);
            checkTiling(file, entries, fileSize - dataStart);

            Map<String, TensorData> tensors = new LinkedHashMap<>();
            for (Entry entry : entries) {
                tensors.put(entry.name, readData(channel, dataStart, entry, file));
            }
            return new Contents(tensors, metadata);
        } catch (NoSuchFileException missing) {
            throw new CheckpointException(file, "file not found", missing);
        }
    }

    // ---------------------------------------------------------------- writing

    private static byte[] headerBytes(Map<String, TensorData> tensors, Map<String, String> metadata) {
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            header.put(METADATA_KEY, new LinkedHashMap<>(metadata));
        }
        long offset = 0;
        for (Map.Entry<String, TensorData> named : tensors.entrySet()) {
            String name = named.getKey();
            if (name.isEmpty() || name.equals(METADATA_KEY)) {
                throw new IllegalArgumentException("invalid tensor name '" + name + "'");
            }
            TensorData tensor = named.getValue();
            long end = offset + tensor.byteLength();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", tensor.dtype().name());
            entry.put("shape", tensor.shape());
            entry.put("data_offsets", List.of(offset, end));
            header.put(name, entry);
            offset = end;
        }
        byte[] bytes = JsonFiles.write(header).getBytes(StandardCharsets.UTF_8);
        int padding = (8 - bytes.length % 8) % 8;   // spaces, so that the data section starts 8-byte aligned
        byte[] padded = Arrays.copyOf(bytes, bytes.length + padding);
        Arrays.fill(padded, bytes.length, padded.length, (byte) ' ');
        return padded;
    }

    private static void writeData(TensorData tensor, OutputStream out) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        DType dtype = tensor.dtype();
        double[] floats = dtype.isFloatingPoint() ? tensor.doubles() : null;
        long[] integers = dtype.isFloatingPoint() ? null : tensor.longs();
        int count = tensor.elementCount();
        for (int i = 0; i < count; i++) {
            if (chunk.remaining() < dtype.byteSize()) {
                out.write(chunk.array(), 0, chunk.position());
                chunk.clear();
            }
            switch (dtype) {
                case F64 -> chunk.putDouble(floats[i]);
                case F32 -> chunk.putFloat((float) floats[i]);
                case I64 -> chunk.putLong(integers[i]);
                case I32 -> chunk.putInt((int) integers[i]);
            }
        }
        out.write(chunk.array(), 0, chunk.position());
    }

    // ---------------------------------------------------------------- reading

    /** One header entry: where a tensor's bytes lie in the data section. */
    private record Entry(String name, DType dtype, int[] shape, long begin, long end) {
    }

    private static Map<String, Object> parseHeader(Path file, ByteBuffer bytes) throws CheckpointException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes).toString();
        } catch (CharacterCodingException notUtf8) {
            throw new CheckpointException(file, "corrupt header: not valid UTF-8", notUtf8);
        }
        if (!text.startsWith("{")) {
            throw new CheckpointException(file, "corrupt header JSON: it must start with '{'");
        }
        try {
            return JsonFiles.parseObject(text);
        } catch (JsonFiles.JsonException invalid) {
            throw new CheckpointException(file, "corrupt header JSON: " + invalid.getMessage(), invalid);
        }
    }

    private static Map<String, String> parseMetadata(Path file, Object value) throws CheckpointException {
        Map<String, String> metadata = new LinkedHashMap<>();
        if (value == null) {
            return metadata;
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new CheckpointException(file, "header field \"" + METADATA_KEY + "\" must be an object, got "
                    + JsonFiles.describe(value));
        }
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getValue() instanceof String string)) {
                throw new CheckpointException(file, "metadata \"" + entry.getKey() + "\" must be a string, got "
                        + JsonFiles.describe(entry.getValue()));
            }
            metadata.put((String) entry.getKey(), string);
        }
        return metadata;
    }

    /** The tensor entries of the header, sorted by where their data begins. */
    private static List<Entry> parseEntries(Path file, Map<String, Object> header) throws CheckpointException {
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, Object> named : header.entrySet()) {
            String name = named.getKey();
            if (name.equals(METADATA_KEY)) {
                continue;
            }
            if (!(named.getValue() instanceof Map<?, ?> fields)) {
                throw new CheckpointException(file, "tensor '" + name + "': header entry must be an object, got "
                        + JsonFiles.describe(named.getValue()));
            }
            Object dtypeName = fields.get("dtype");
            if (!(dtypeName instanceof String)) {
                throw new CheckpointException(file, "tensor '" + name + "': \"dtype\" must be a string, got "
                        + JsonFiles.describe(dtypeName));
            }
            DType dtype = DType.fromName((String) dtypeName);
            if (dtype == null) {
                throw new CheckpointException(file, "tensor '" + name + "': unsupported dtype " + dtypeName
                        + " (supported: " + Arrays.toString(DType.values()) + ")");
            }
            long[] shapeValues = nonNegativeIntegers(file, name, "shape", fields.get("shape"), -1);
            int[] shape = new int[shapeValues.length];
            for (int i = 0; i < shape.length; i++) {
                if (shapeValues[i] > Integer.MAX_VALUE) {
                    throw new CheckpointException(file, "tensor '" + name + "': dimension " + shapeValues[i]
                            + " is too large");
                }
                shape[i] = (int) shapeValues[i];
            }
            long[] offsets = nonNegativeIntegers(file, name, "data_offsets", fields.get("data_offsets"), 2);
            long begin = offsets[0];
            long end = offsets[1];
            if (end < begin) {
                throw new CheckpointException(file, "tensor '" + name + "': data_offsets [" + begin + ", " + end
                        + "] end before they begin");
            }
            long elements = TensorData.elementCount(shape);
            if (elements > Integer.MAX_VALUE - 8) {
                throw new CheckpointException(file, "tensor '" + name + "': shape " + Arrays.toString(shape)
                        + " has too many elements for one Java array");
            }
            long expectedBytes = elements * dtype.byteSize();
            if (end - begin != expectedBytes) {
                throw new CheckpointException(file, "tensor '" + name + "': data_offsets [" + begin + ", " + end
                        + "] span " + (end - begin) + " bytes but " + dtype + " " + Arrays.toString(shape)
                        + " needs " + expectedBytes);
            }
            entries.add(new Entry(name, dtype, shape, begin, end));
        }
        entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        return entries;
    }

    private static long[] nonNegativeIntegers(Path file, String tensor, String field, Object value, int length)
            throws CheckpointException {
        String expected = length < 0 ? "an array of non-negative integers"
                : "an array of " + length + " non-negative integers";
        if (!(value instanceof List<?> list) || (length >= 0 && list.size() != length)) {
            throw new CheckpointException(file, "tensor '" + tensor + "': \"" + field + "\" must be " + expected
                    + ", got " + (value == null ? "nothing" : JsonFiles.write(value)));
        }
        long[] numbers = new long[list.size()];
        for (int i = 0; i < numbers.length; i++) {
            if (!(list.get(i) instanceof Long number) || number < 0) {
                throw new CheckpointException(file, "tensor '" + tensor + "': \"" + field + "\" must be "
                        + expected + ", got " + JsonFiles.write(value));
            }
            numbers[i] = number;
        }
        return numbers;
    }

    /** Checks that the sorted entries cover {@code [0, dataLength)} exactly: no overlap, no gap, no excess. */
    private static void checkTiling(Path file, List<Entry> entries, long dataLength) throws CheckpointException {
        long expectedBegin = 0;
        Entry previous = null;
        for (Entry entry : entries) {
            if (entry.begin < expectedBegin) {
                throw new CheckpointException(file, "tensor '" + entry.name + "' (data_offsets [" + entry.begin
                        + ", " + entry.end + "]) overlaps tensor '" + previous.name + "' (ending at "
                        + expectedBegin + ")");
            }
            if (entry.begin > expectedBegin) {
                throw new CheckpointException(file, "gap in the data section: bytes [" + expectedBegin + ", "
                        + entry.begin + ") before tensor '" + entry.name + "' belong to no tensor");
            }
            expectedBegin = entry.end;
            previous = entry;
        }
        if (dataLength < expectedBegin) {
            throw new CheckpointException(file, "data section is " + dataLength + " bytes but tensor '"
                    + previous.name + "' ends at byte " + expectedBegin + " (file truncated?)");
        }
        if (dataLength > expectedBegin) {
            throw new CheckpointException(file, "data section is " + dataLength + " bytes but the tensors cover only "
                    + expectedBegin + " (trailing bytes after the last tensor)");
        }
    }

    private static TensorData readData(FileChannel channel, long dataStart, Entry entry, Path file)
            throws IOException {
        int count = (int) TensorData.elementCount(entry.shape);
        int size = entry.dtype.byteSize();
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        double[] floats = entry.dtype.isFloatingPoint() ? new double[count] : null;
        long[] integers = entry.dtype.isFloatingPoint() ? null : new long[count];
        long position = dataStart + entry.begin;
        int index = 0;
        while (index < count) {
            int elements = Math.min(count - index, CHUNK_BYTES / size);
            chunk.clear().limit(elements * size);
            readFully(channel, chunk, position, file);
            chunk.flip();
            position += (long) elements * size;
            for (int i = 0; i < elements; i++, index++) {
                switch (entry.dtype) {
                    case F64 -> floats[index] = chunk.getDouble();
                    case F32 -> floats[index] = chunk.getFloat();
                    case I64 -> integers[index] = chunk.getLong();
                    case I32 -> integers[index] = chunk.getInt();
                }
            }
        }
        return floats != null ? TensorData.floating(entry.dtype, entry.shape, floats)
                : TensorData.integer(entry.dtype, entry.shape, integers);
    }

    /** Fills {@code buffer} from {@code position} on, or fails naming the file if it ends first. */
    private static void readFully(FileChannel channel, ByteBuffer buffer, long position, Path file)
            throws IOException {
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, position);
            if (read < 0) {
                throw new CheckpointException(file, "unexpected end of file at byte " + position + " (truncated?)",
                        new EOFException());
            }
            position += read;
        }
    }
}
