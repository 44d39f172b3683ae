package prefdyn.reference.train;

import prefdyn.reference.optim.AdamWSettings;

/**
 * What every trainer shares.
 *
 * @param batchSize     examples per step (pairs for DPO and the reward model, sequences for SFT)
 * @param learningRate  peak learning rate
 * @param warmupSteps   linear warm-up from lr/warmupSteps to lr over the first steps, constant after (0: none)
 * @param adamW         optimizer hyper-parameters
 * @param maxGradNorm   global gradient-norm clipping threshold (TRL's max_grad_norm = 1.0)
 * @param seed          seeds the data order (and any sampling)
 * @param componentNorms a DPO step's gradient as two backward passes, positive and then negative learning, with
 *                       their norms and cosine in the step's metrics ({@code grad_norm/positive}, …); false (the
 *                       default): one backward pass of the summed seeds, the same gradient up to rounding
 *                       ({@code docs/dynamics.md}, "One backward pass per training step"). Ignored by SFT and the
 *                       reward model, which have no components
 */
public record TrainingSettings(int batchSize, double learningRate, int warmupSteps, AdamWSettings adamW,
                               double maxGradNorm, long seed, boolean componentNorms) {

    public TrainingSettings {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be positive and finite, got " + learningRate);
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warmupSteps must be >= 0, got " + warmupSteps);
        }
        if (!(maxGradNorm > 0)) {
            throw new IllegalArgumentException("maxGradNorm must be positive, got " + maxGradNorm);
        }
    }

    /** The settings without per-step component norms (one backward pass per DPO step). */
    public TrainingSettings(int batchSize, double learningRate, int warmupSteps, AdamWSettings adamW,
                            double maxGradNorm, long seed) {
        this(batchSize, learningRate, warmupSteps, adamW, maxGradNorm, seed, false);
    }

    public static TrainingSettings of(int batchSize, double learningRate, long seed) {
        return new TrainingSettings(batchSize, learningRate, 0, AdamWSettings.defaults(), 1.0, seed);
    }

    /** These settings with {@code componentNorms} set. */
    public TrainingSettings withComponentNorms(boolean split) {
        return new TrainingSettings(batchSize, learningRate, warmupSteps, adamW, maxGradNorm, seed, split);
    }

    /** The learning rate of step t (0-based): (t+1)/warmup·lr during warm-up, lr after. */
    public double learningRateAt(long step) {
        if (step < warmupSteps) {
            return learningRate * (step + 1) / warmupSteps;
        }
        return learningRate;
    }
}
