package prefdyn.reference.checkpoint;

/**
 * The safetensors element types this project reads and writes, under their safetensors names. All are stored
 * little-endian.
 */
public enum DType {
    /** IEEE 754 binary64. */
    F64(8, true),
    /** IEEE 754 binary32. */
    F32(4, true),
    /** Two's-complement 64-bit integer. */
    I64(8, false),
    /** Two's-complement 32-bit integer. */
    I32(4, false);

    private final int byteSize;
    private final boolean floatingPoint;

    DType(int byteSize, boolean floatingPoint) {
        this.byteSize = byteSize;
        this.floatingPoint = floatingPoint;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** Whether values are held as {@code double}s ({@link TensorData#doubles()}) rather than {@code long}s. */
    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /** The type with this safetensors name, or {@code null} if it is not one this project supports. */
    public static DType fromName(String name) {
        for (DType type : values()) {
            if (type.name().equals(name)) {
                return type;
            }
        }
        return null;
    }
}
