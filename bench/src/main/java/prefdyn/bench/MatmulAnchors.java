package prefdyn.bench;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_MT_DDRM;
import prefdyn.reference.layers.Linear;
import prefdyn.reference.layers.LmHead;
import prefdyn.reference.util.Parallel;

import java.util.Random;

/**
 * One matrix product of the model and its backward, computed both by the reference's loops and by EJML on the
 * same arrays (EJML's {@link DMatrixRMaj#wrap} shares them), so the two do exactly the same arithmetic:
 * <pre>
 *   linear shapes:  forward  out = inp·W                    EJML mult(inp, W)
 *                   backward dinp += dout·Wᵀ                EJML multAddTransB(dout, W)
 *                            dW   += inpᵀ·dout              EJML multAddTransA(inp, dout)
 *   LM head:        forward  logits = inp·wteᵀ              EJML multTransB(inp, wte)
 *                   backward dinp += dlogits·wte            EJML multAdd(dlogits, wte)
 *                            dwte += dlogitsᵀ·inp           EJML multAddTransA(dlogits, inp)
 * </pre>
 * The reference's linear runs without a bias here ({@code biasOffset = -1}), which makes it exactly the matrix
 * product; the layer benchmarks time it with its bias. W sits at offset 0 of its own array.
 */
final class MatmulAnchors {

    final MatmulShape shape;
    final int N, I, O;
    final double[] inp, weight, out, dout, dinp, dweight;
    private final DMatrixRMaj inpM, weightM, outM, doutM, dinpM, dweightM;

    MatmulAnchors(ModelSize size, MatmulShape shape) {
        this.shape = shape;
        N = size.rows();
        I = shape.in(size.config());
        O = shape.out(size.config());
        Random random = new Random(77);
        inp = ReferenceLayers.gaussian(random, N * I);
        weight = scaled(ReferenceLayers.gaussian(random, I * O), 0.02);
        out = new double[N * O];
        dout = ReferenceLayers.gaussian(random, N * O);
        dinp = new double[N * I];
        dweight = new double[I * O];
        inpM = DMatrixRMaj.wrap(N, I, inp);
        // linear: W is [I, O]; LM head: wte is [V, C] = [O, I]
        weightM = shape == MatmulShape.LM_HEAD ? DMatrixRMaj.wrap(O, I, weight) : DMatrixRMaj.wrap(I, O, weight);
        outM = DMatrixRMaj.wrap(N, O, out);
        doutM = DMatrixRMaj.wrap(N, O, dout);
        dinpM = DMatrixRMaj.wrap(N, I, dinp);
        dweightM = shape == MatmulShape.LM_HEAD ? DMatrixRMaj.wrap(O, I, dweight) : DMatrixRMaj.wrap(I, O, dweight);
    }

    void referenceForward(Parallel parallel) {
        if (shape == MatmulShape.LM_HEAD) {
            LmHead.lmHeadForward(parallel, out, inp, weight, 0, N, I, O);
        } else {
            Linear.linearForward(parallel, out, inp, weight, 0, -1, N, I, O);
        }
    }

    void referenceBackward(Parallel parallel) {
        if (shape == MatmulShape.LM_HEAD) {
            LmHead.lmHeadBackward(parallel, dinp, dweight, dout, inp, weight, 0, N, I, O);
        } else {
            Linear.linearBackward(parallel, dinp, dweight, dout, inp, weight, 0, -1, N, I, O);
        }
    }

    void ejmlForward() {
        if (shape == MatmulShape.LM_HEAD) {
            CommonOps_DDRM.multTransB(inpM, weightM, outM);
        } else {
            CommonOps_DDRM.mult(inpM, weightM, outM);
        }
    }

    void ejmlBackward() {
        if (shape == MatmulShape.LM_HEAD) {
            CommonOps_DDRM.multAdd(doutM, weightM, dinpM);
            CommonOps_DDRM.multAddTransA(doutM, inpM, dweightM);
        } else {
            CommonOps_DDRM.multAddTransB(doutM, weightM, dinpM);
            CommonOps_DDRM.multAddTransA(inpM, doutM, dweightM);
        }
    }

    void ejmlConcurrentForward() {
        if (shape == MatmulShape.LM_HEAD) {
            CommonOps_MT_DDRM.multTransB(inpM, weightM, outM);
        } else {
            CommonOps_MT_DDRM.mult(inpM, weightM, outM);
        }
    }

    void ejmlConcurrentBackward() {
        if (shape == MatmulShape.LM_HEAD) {
            CommonOps_MT_DDRM.multAdd(doutM, weightM, dinpM);
            CommonOps_MT_DDRM.multAddTransA(doutM, inpM, dweightM);
        } else {
            CommonOps_MT_DDRM.multAddTransB(doutM, weightM, dinpM);
            CommonOps_MT_DDRM.multAddTransA(inpM, doutM, dweightM);
        }
    }

    /** Sets the gradients that backward accumulates into back to zero. */
    void zeroGradients() {
        java.util.Arrays.fill(dinp, 0.0);
        java.util.Arrays.fill(dweight, 0.0);
    }

    private static double[] scaled(double[] values, double factor) {
        for (int i = 0; i < values.length; i++) {
            values[i] *= factor;
        }
        return values;
    }
}
