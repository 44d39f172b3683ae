package prefdyn.reference.model;

import java.util.Arrays;

/**
 * One named tensor inside the flat parameter (or gradient) array: elements
 * {@code [offset, offset + size())} in row-major order with the given shape.
 *
 * @param name   the Hugging Face GPT-2 tensor name, e.g. {@code h.0.attn.c_attn.weight}
 * @param offset index of the first element in the flat array
 * @param shape  dimensions, row-major; HF's Conv1D layout [in, out] for linear weights
 */
public record TensorView(String name, int offset, int[] shape) {

    public TensorView {
        shape = shape.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** Number of elements: the product of the shape. */
    public int size() {
        int size = 1;
        for (int dimension : shape) {
            size *= dimension;
        }
        return size;
    }

    /** One past the last element. */
    public int end() {
        return offset + size();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TensorView view && view.name.equals(name) && view.offset == offset
                && Arrays.equals(view.shape, shape);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * name.hashCode() + offset) + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + "@" + offset;
    }
}
