package prefdyn.vector.optim;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import prefdyn.reference.optim.AdamWSettings;

/**
 * AdamW (Loshchilov &amp; Hutter 2019, Algorithm 2) on float32 tensors, in the order of operations of PyTorch's
 * {@code torch.optim.AdamW} (single-tensor path) and of {@code prefdyn.reference.optim.AdamW}:
 * <pre>
 *   θ ← θ · (1 − lr·λ)                               (decayed tensors only)
 *   m ← β₁·m + (1 − β₁)·g
 *   v ← β₂·v + (1 − β₂)·g²
 *   θ ← θ − (lr / (1 − β₁ᵗ)) · m / ( √v / √(1 − β₂ᵗ) + ε )
 * </pre>
 * The scalars (bias corrections, step size) are computed in float64 and rounded to float once, as PyTorch's
 * Python floats are when they meet a float32 tensor; everything per element is float32.
 */
public final class AdamW {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    private AdamW() {
    }

    /**
     * Update number {@code stepNumber} (t, from 1) of {@code params} from {@code grads}.
     *
     * @param params       [P] updated
     * @param grads        [P]
     * @param firstMoment  [P] m, updated
     * @param secondMoment [P] v, updated
     * @param decayed      [P] true where weight decay applies (tensors of two or more dimensions)
     */
    public static void step(float[] params, float[] grads, float[] firstMoment, float[] secondMoment,
                            boolean[] decayed, long stepNumber, AdamWSettings settings, double learningRate) {
        if (!(learningRate >= 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be finite and non-negative, got " + learningRate);
        }
        int P = params.length;
        float beta1 = (float) settings.beta1();
        float beta2 = (float) settings.beta2();
        float oneMinusBeta1 = (float) (1.0 - settings.beta1());
        float oneMinusBeta2 = (float) (1.0 - settings.beta2());
        float stepSize = (float) (learningRate / (1.0 - Math.pow(settings.beta1(), stepNumber)));
        float correction2Sqrt = (float) Math.sqrt(1.0 - Math.pow(settings.beta2(), stepNumber));
        float epsilon = (float) settings.epsilon();
        float decayFactor = (float) (1.0 - learningRate * settings.weightDecay());
        int L = SPECIES.length();
        int i = 0;
        for (; i + L <= P; i += L) {
            VectorMask<Float> decay = VectorMask.fromArray(SPECIES, decayed, i);
            FloatVector theta = FloatVector.fromArray(SPECIES, params, i);
            theta = theta.blend(theta.mul(decayFactor), decay);
            FloatVector g = FloatVector.fromArray(SPECIES, grads, i);
            FloatVector m = FloatVector.fromArray(SPECIES, firstMoment, i).mul(beta1).add(g.mul(oneMinusBeta1));
            FloatVector v = FloatVector.fromArray(SPECIES, secondMoment, i).mul(beta2)
                    .add(g.mul(g).mul(oneMinusBeta2));
            FloatVector denominator = v.sqrt().div(correction2Sqrt).add(epsilon);
            theta = theta.sub(m.mul(stepSize).div(denominator));
            m.intoArray(firstMoment, i);
            v.intoArray(secondMoment, i);
            theta.intoArray(params, i);
        }
        for (; i < P; i++) { // the last elements: the same float operations, one lane at a time
            float theta = decayed[i] ? params[i] * decayFactor : params[i];
            float g = grads[i];
            float m = firstMoment[i] * beta1 + g * oneMinusBeta1;
            float v = secondMoment[i] * beta2 + g * g * oneMinusBeta2;
            float denominator = (float) Math.sqrt(v) / correction2Sqrt + epsilon;
            firstMoment[i] = m;
            secondMoment[i] = v;
            params[i] = theta - m * stepSize / denominator;
        }
    }
}
