package prefdyn.vector.layers;

import jdk.incubator.vector.FloatVector;
import prefdyn.reference.util.Parallel;

import static prefdyn.vector.layers.MatrixProduct.SPECIES;

/** Sums down the rows of a matrix, the vector lanes running along its columns: a bias gradient. */
final class ColumnSums {

    private static final int L = SPECIES.length();

    private ColumnSums() {
    }

    /**
     * out[outOff + o] += Σ_n m[n,o], summed in ascending n, then added.
     *
     * @param out [≥ outOff + O] accumulated into
     * @param m   [N,O]
     */
    static void accumulate(Parallel parallel, float[] out, int outOff, float[] m, int N, int O) {
        int vectors = (O + L - 1) / L;
        parallel.forEach(vectors, j -> {
            int o = j * L;
            if (o + L <= O) {
                FloatVector sum = FloatVector.zero(SPECIES);
                for (int n = 0; n < N; n++) {
                    sum = sum.add(FloatVector.fromArray(SPECIES, m, n * O + o));
                }
                FloatVector.fromArray(SPECIES, out, outOff + o).add(sum).intoArray(out, outOff + o);
                return;
            }
            for (; o < O; o++) { // the last columns, one lane's additions each
                float sum = 0f;
                for (int n = 0; n < N; n++) {
                    sum += m[n * O + o];
                }
                out[outOff + o] += sum;
            }
        });
    }
}
