package prefdyn.reference.train;

import prefdyn.reference.checkpoint.Checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Runs a {@link Trainer} for a number of steps, writing each step's metrics to {@code metrics.jsonl} and saving
 * θ(t) — the parameters <em>before</em> update t — as a checkpoint {@code checkpoints/step-000000t} every
 * {@code checkpointEvery} steps, plus the final parameters θ(T). Every file is written atomically, so an
 * interrupted run keeps every earlier checkpoint and metrics line intact.
 */
public final class TrainingLoop {

    private TrainingLoop() {
    }

    /** The checkpoint directory of θ(t) inside a run directory. */
    public static Path checkpointDirectory(Path runDirectory, long step) {
        return runDirectory.resolve("checkpoints").resolve(String.format("step-%07d", step));
    }

    /**
     * @param checkpointEvery save θ(t) when t is a multiple of it (0 = only the final parameters)
     * @param progress        called after each step with the number of steps done (for progress bars); may be null
     */
    public static void run(Trainer trainer, long steps, Path runDirectory, int checkpointEvery, LongConsumer progress) {
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        }
        try (MetricsLog log = MetricsLog.open(runDirectory.resolve("metrics.jsonl"))) {
            long end = trainer.currentStep() + steps;
            while (trainer.currentStep() < end) {
                long t = trainer.currentStep();
                if (checkpointEvery > 0 && t % checkpointEvery == 0) {
                    save(trainer, runDirectory, t);
                }
                Map<String, Object> metrics = trainer.step();
                log.write(t, metrics);
                if (progress != null) {
                    progress.accept(steps - (end - trainer.currentStep()));
                }
            }
            save(trainer, runDirectory, trainer.currentStep());
        }
    }

    private static void save(Trainer trainer, Path runDirectory, long step) {
        double[] params = new double[trainer.policy().layout().size()];
        trainer.policy().copyParametersTo(params);
        try {
            Checkpoint.save(checkpointDirectory(runDirectory, step), trainer.policy().config(), params);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the checkpoint of step " + step + ": " + e.getMessage(), e);
        }
    }
}
