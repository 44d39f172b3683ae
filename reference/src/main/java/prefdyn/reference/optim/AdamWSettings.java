package prefdyn.reference.optim;

/**
 * Hyper-parameters of AdamW (Loshchilov &amp; Hutter, "Decoupled Weight Decay Regularization", Algorithm 2).
 *
 * @param beta1       first-moment decay β₁ (PyTorch default 0.9)
 * @param beta2       second-moment decay β₂ (PyTorch default 0.999)
 * @param epsilon     ε added to √v̂ (PyTorch default 1e-8)
 * @param weightDecay decoupled decay λ, applied as θ ← θ − lr·λ·θ; only to tensors with two or more dimensions
 *                    (matrices and embeddings), not to biases, LayerNorm gains or the value-head bias, as in
 *                    nanoGPT and llm.c
 */
public record AdamWSettings(double beta1, double beta2, double epsilon, double weightDecay) {

    public AdamWSettings {
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new IllegalArgumentException("beta1 must be in [0, 1), got " + beta1);
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("beta2 must be in [0, 1), got " + beta2);
        }
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("epsilon must be positive, got " + epsilon);
        }
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("weightDecay must be non-negative, got " + weightDecay);
        }
    }

    /** PyTorch's AdamW defaults except weight decay 0 (TRL trains DPO/PPO with weight_decay = 0 by default). */
    public static AdamWSettings defaults() {
        return new AdamWSettings(0.9, 0.999, 1e-8, 0.0);
    }
}
