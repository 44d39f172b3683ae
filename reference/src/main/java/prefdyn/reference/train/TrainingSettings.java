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
 */
public record TrainingSettings(int batchSize, double learningRate, int warmupSteps, AdamWSettings adamW,
                               double maxGradNorm, long seed) {

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

    public static TrainingSettings of(int batchSize, double learningRate, long seed) {
        return new TrainingSettings(batchSize, learningRate, 0, AdamWSettings.defaults(), 1.0, seed);
    }

    /** The learning rate of step t (0-based): (t+1)/warmup·lr during warm-up, lr after. */
    public double learningRateAt(long step) {
        if (step < warmupSteps) {
            return learningRate * (step + 1) / warmupSteps;
        }
        return learningRate;
    }
}
