package prefdyn.reference.optim;

import prefdyn.reference.model.ParameterLayout;
import prefdyn.reference.model.TensorView;

/**
 * AdamW with bias correction and decoupled weight decay (Loshchilov &amp; Hutter 2019, Algorithm 2), written in
 * the same order of operations as PyTorch's {@code torch.optim.AdamW} (single-tensor, non-fused path):
 * <pre>
 *   θ ← θ · (1 − lr·λ)                               (decayed tensors only)
 *   m ← β₁·m + (1 − β₁)·g
 *   v ← β₂·v + (1 − β₂)·g²
 *   θ ← θ − (lr / (1 − β₁ᵗ)) · m / ( √v / √(1 − β₂ᵗ) + ε )
 * </pre>
 * The moments m and v are the optimizer state; {@link #steps()} is t.
 */
public final class AdamW {

    private final double[] firstMoment;   // m [P]
    private final double[] secondMoment;  // v [P]
    private final boolean[] decayed;      // [P] true for tensors with two or more dimensions
    private long steps;

    public AdamW(ParameterLayout layout) {
        this.firstMoment = new double[layout.size()];
        this.secondMoment = new double[layout.size()];
        this.decayed = new boolean[layout.size()];
        for (TensorView view : layout.tensors()) {
            boolean decay = view.shape().length >= 2;
            for (int i = view.offset(); i < view.end(); i++) {
                decayed[i] = decay;
            }
        }
    }

    /**
     * One update of {@code params} [P] from {@code grads} [P].
     */
    public void step(double[] params, double[] grads, AdamWSettings settings, double learningRate) {
        if (params.length != firstMoment.length || grads.length != firstMoment.length) {
            throw new IllegalArgumentException("expected " + firstMoment.length + " parameters and gradients, got "
                    + params.length + " and " + grads.length);
        }
        if (!(learningRate >= 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be finite and non-negative, got " + learningRate);
        }
        steps++;
        double beta1 = settings.beta1();
        double beta2 = settings.beta2();
        double biasCorrection1 = 1.0 - Math.pow(beta1, steps);
        double biasCorrection2Sqrt = Math.sqrt(1.0 - Math.pow(beta2, steps));
        double stepSize = learningRate / biasCorrection1;
        double decayFactor = 1.0 - learningRate * settings.weightDecay();
        for (int i = 0; i < params.length; i++) {
            double g = grads[i];
            if (decayed[i]) {
                params[i] *= decayFactor;
            }
            firstMoment[i] = beta1 * firstMoment[i] + (1.0 - beta1) * g;
            secondMoment[i] = beta2 * secondMoment[i] + (1.0 - beta2) * g * g;
            double denominator = Math.sqrt(secondMoment[i]) / biasCorrection2Sqrt + settings.epsilon();
            params[i] -= stepSize * firstMoment[i] / denominator;
        }
    }

    /** t, the number of updates taken. */
    public long steps() {
        return steps;
    }

    /** A copy of the first moment m [P]. */
    public double[] firstMoment() {
        return firstMoment.clone();
    }

    /** A copy of the second moment v [P]. */
    public double[] secondMoment() {
        return secondMoment.clone();
    }

    /** Restores the state saved from {@link #firstMoment()}, {@link #secondMoment()} and {@link #steps()}. */
    public void restore(double[] m, double[] v, long stepCount) {
        if (m.length != firstMoment.length || v.length != secondMoment.length || stepCount < 0) {
            throw new IllegalArgumentException("optimizer state does not match this model: expected "
                    + firstMoment.length + " moments and steps >= 0");
        }
        System.arraycopy(m, 0, firstMoment, 0, m.length);
        System.arraycopy(v, 0, secondMoment, 0, v.length);
        steps = stepCount;
    }
}
