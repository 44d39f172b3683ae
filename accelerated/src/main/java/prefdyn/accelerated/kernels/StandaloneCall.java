package prefdyn.accelerated.kernels;

import java.util.ArrayList;
import java.util.List;

/**
 * One call of a twin on host arrays: packs the caller's arrays into the program's buffers (each tensor at the
 * offset the launch is given), runs, and copies every float array back, so outputs and accumulated arrays reach
 * the caller. Parameter-shaped arrays are bound to the program as they are.
 */
final class StandaloneCall {

    private final TwinDevice device;
    private final TwinProgram program;
    private final Arena acts = new Arena();
    private final Arena dacts = new Arena();
    private final Arena kvCache = new Arena();
    private final List<int[]> ints = new ArrayList<>();
    private int intsSize;
    private final List<float[]> bound = new ArrayList<>();

    StandaloneCall(TwinDevice device) {
        this.device = device;
        this.program = device.program();
    }

    /** Places {@code array} in the activation arena; returns its offset. */
    int acts(float[] array) {
        return acts.add(array);
    }

    /** Places {@code array} in the gradient arena; returns its offset. */
    int dacts(float[] array) {
        return dacts.add(array);
    }

    /** Places {@code array} in the KV cache buffer; returns its offset. */
    int kvCache(float[] array) {
        return kvCache.add(array);
    }

    /** Places {@code array} in the integer buffer; returns its offset. */
    int ints(int[] array) {
        int offset = intsSize;
        ints.add(array);
        intsSize += array.length;
        return offset;
    }

    /** Binds θ [P] and sets P to its length. */
    void params(float[] array) {
        program.params = bind(array);
        device.setParameterCount(array.length);
    }

    /** Binds ∂L/∂θ [P] and sets P to its length. */
    void grads(float[] array) {
        program.grads = bind(array);
        device.setParameterCount(array.length);
    }

    void firstMoment(float[] array) {
        program.firstMoment = bind(array);
    }

    void secondMoment(float[] array) {
        program.secondMoment = bind(array);
    }

    void vector(float[] array) {
        program.vector = bind(array);
    }

    void decayed(int[] array) {
        program.decayed = array;
        device.upload(array);
    }

    /** Copies the arenas into fresh buffers and marks everything for upload; call after placing every array. */
    void upload() {
        program.acts = acts.pack();
        device.upload(program.acts);
        program.dacts = dacts.pack();
        device.upload(program.dacts);
        program.kvCache = kvCache.pack();
        device.upload(program.kvCache);
        int[] packed = new int[Math.max(1, intsSize)];
        int offset = 0;
        for (int[] array : ints) {
            System.arraycopy(array, 0, packed, offset, array.length);
            offset += array.length;
        }
        program.ints = packed;
        device.upload(packed);
    }

    /** Copies every float array back from the device into the caller's arrays. */
    void download() {
        device.download(program.acts);
        acts.unpack(program.acts);
        device.download(program.dacts);
        dacts.unpack(program.dacts);
        device.download(program.kvCache);
        kvCache.unpack(program.kvCache);
        for (float[] array : bound) {
            device.download(array);
        }
    }

    private float[] bind(float[] array) {
        if (array.length == 0) {
            throw new IllegalArgumentException("an empty parameter-shaped array cannot be placed on the device");
        }
        bound.add(array);
        device.upload(array);
        return array;
    }

    /** Consecutive caller arrays in one buffer. */
    private static final class Arena {
        private final List<float[]> arrays = new ArrayList<>();
        private final List<Integer> offsets = new ArrayList<>();
        private int size;

        int add(float[] array) {
            int offset = size;
            arrays.add(array);
            offsets.add(offset);
            size += array.length;
            return offset;
        }

        float[] pack() {
            float[] packed = new float[Math.max(1, size)];
            for (int k = 0; k < arrays.size(); k++) {
                System.arraycopy(arrays.get(k), 0, packed, offsets.get(k), arrays.get(k).length);
            }
            return packed;
        }

        void unpack(float[] packed) {
            for (int k = 0; k < arrays.size(); k++) {
                System.arraycopy(packed, offsets.get(k), arrays.get(k), 0, arrays.get(k).length);
            }
        }
    }
}
