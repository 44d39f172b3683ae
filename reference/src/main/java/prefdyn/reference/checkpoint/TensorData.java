package prefdyn.reference.checkpoint;

import java.util.Arrays;

/**
 * One tensor as stored in a safetensors file: an element type, a shape, and its elements in row-major order.
 *
 * <p>Floating-point tensors ({@link DType#F64}, {@link DType#F32}) hold their values as a {@code double[]};
 * integer tensors ({@link DType#I64}, {@link DType#I32}) as a {@code long[]}. An F32 tensor built from doubles
 * stores {@code (float) value} for each element; read back, each float widens exactly to a double.
 *
 * <p>The factories wrap the given array without copying it, and the accessors return that same array, so a
 * large tensor is never held twice; do not change the array while the tensor is being written.
 */
public final class TensorData {

    private final DType dtype;
    private final int[] shape;
    private final double[] floats;
    private final long[] integers;

    private TensorData(DType dtype, int[] shape, double[] floats, long[] integers) {
        this.dtype = dtype;
        this.shape = shape.clone();
        this.floats = floats;
        this.integers = integers;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has a negative dimension");
            }
        }
        long expected = elementCount(shape);
        int actual = floats != null ? floats.length : integers.length;
        if (actual != expected) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + expected
                    + " elements, got " + actual);
        }
    }

    /**
     * A floating-point tensor.
     *
     * @param dtype  {@link DType#F64} or {@link DType#F32}
     * @param shape  dimensions, row-major
     * @param values [product of shape] elements, row-major (wrapped, not copied)
     */
    public static TensorData floating(DType dtype, int[] shape, double[] values) {
        if (!dtype.isFloatingPoint()) {
            throw new IllegalArgumentException(dtype + " is not a floating-point type; use integer(...)");
        }
        return new TensorData(dtype, shape, values, null);
    }

    /**
     * An integer tensor.
     *
     * @param dtype  {@link DType#I64} or {@link DType#I32}; for I32 every value must fit in an {@code int}
     * @param shape  dimensions, row-major
     * @param values [product of shape] elements, row-major (wrapped, not copied)
     */
    public static TensorData integer(DType dtype, int[] shape, long[] values) {
        if (dtype.isFloatingPoint()) {
            throw new IllegalArgumentException(dtype + " is not an integer type; use floating(...)");
        }
        if (dtype == DType.I32) {
            for (int i = 0; i < values.length; i++) {
                if (values[i] != (int) values[i]) {
                    throw new IllegalArgumentException("element " + i + " = " + values[i] + " does not fit in I32");
                }
            }
        }
        return new TensorData(dtype, shape, null, values);
    }

    /** An F64 tensor; {@code values} is [product of shape], row-major. */
    public static TensorData f64(int[] shape, double[] values) {
        return floating(DType.F64, shape, values);
    }

    /** An F32 tensor, each value stored as {@code (float) value}; {@code values} is [product of shape]. */
    public static TensorData f32(int[] shape, double[] values) {
        return floating(DType.F32, shape, values);
    }

    /** An I64 tensor (for example token ids); {@code values} is [product of shape], row-major. */
    public static TensorData i64(int[] shape, long[] values) {
        return integer(DType.I64, shape, values);
    }

    /** An I32 tensor; {@code values} is [product of shape], row-major (copied into a {@code long[]}). */
    public static TensorData i32(int[] shape, int[] values) {
        long[] widened = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            widened[i] = values[i];
        }
        return integer(DType.I32, shape, widened);
    }

    public DType dtype() {
        return dtype;
    }

    /** The dimensions (a copy). */
    public int[] shape() {
        return shape.clone();
    }

    /** Number of elements: the product of the shape (1 for a scalar of shape []). */
    public int elementCount() {
        return (int) elementCount(shape);
    }

    /** Bytes this tensor occupies in the data section: elements × bytes per element. */
    public long byteLength() {
        return (long) elementCount() * dtype.byteSize();
    }

    /** The values of a floating-point tensor, [product of shape] row-major (the wrapped array, not a copy). */
    public double[] doubles() {
        if (floats == null) {
            throw new IllegalStateException("a " + dtype + " tensor holds integers; use longs()");
        }
        return floats;
    }

    /** The values of an integer tensor, [product of shape] row-major (the wrapped array, not a copy). */
    public long[] longs() {
        if (integers == null) {
            throw new IllegalStateException("a " + dtype + " tensor holds floating-point values; use doubles()");
        }
        return integers;
    }

    /** The values of an integer tensor as {@code int}s, [product of shape]; fails if one does not fit. */
    public int[] ints() {
        long[] values = longs();
        int[] narrowed = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            if (values[i] != (int) values[i]) {
                throw new IllegalStateException("element " + i + " = " + values[i] + " does not fit in an int");
            }
            narrowed[i] = (int) values[i];
        }
        return narrowed;
    }

    @Override
    public String toString() {
        return dtype + Arrays.toString(shape);
    }

    /** The product of the dimensions, as a long so that an overflowing shape can be detected. */
    static long elementCount(int[] shape) {
        for (int dimension : shape) {
            if (dimension == 0) {
                return 0;
            }
        }
        long count = 1;
        for (int dimension : shape) {
            count *= dimension;
            if (count > Integer.MAX_VALUE) {
                return Long.MAX_VALUE;
            }
        }
        return count;
    }
}
