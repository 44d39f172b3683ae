package prefdyn.cli.run;

import prefdyn.reference.train.TrainingSettings;

/**
 * The optimizer steps of a run.
 *
 * @param seed         seeds data order, sampling and the critic's value head
 * @param steps        T, optimizer steps (PPO: rollout batches)
 * @param batch        pairs per DPO step, prompts per PPO rollout batch, windows per SFT step
 * @param learningRate   AdamW learning rate (constant)
 * @param componentNorms each DPO/PPO update as two backward passes with their norms logged, or one pass of the
 *                       summed seeds ({@link ComponentNorms})
 */
public record StepSettings(long seed, int steps, int batch, double learningRate, boolean componentNorms) {

    public StepSettings {
        Checks.positive("steps", steps);
        Checks.positive("batch", batch);
        Checks.positiveFinite("lr", learningRate);
    }

    /** The reference's training settings of these steps (batch, learning rate, seed, component norms). */
    public TrainingSettings training() {
        return TrainingSettings.of(batch, learningRate, seed).withComponentNorms(componentNorms);
    }

    /** These settings with another batch size. */
    public StepSettings withBatch(int newBatch) {
        return new StepSettings(seed, steps, newBatch, learningRate, componentNorms);
    }
}
