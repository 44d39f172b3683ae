package prefdyn.reference.train;

import prefdyn.reference.checkpoint.Checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * Runs a {@link Trainer} for a number of steps, writing each step's metrics to {@code metrics.jsonl} and saving
 * θ(t) — the parameters <em>before</em> update t — as a checkpoint {@code checkpoints/step-000000t} every
 * {@code checkpointEvery} steps, plus the final parameters θ(T). Every file is written atomically, so an
 * interrupted run keeps every earlier checkpoint and metrics line intact.
 *
 * <p><b>Resuming.</b> Every {@code resumeEvery} steps a {@link ResumePoint} under {@code resume/} holds what step t
 * needs (θ, AdamW's state, the trainer's {@link Trainer.State}); {@link #resume} restores the last one, cuts
 * {@code metrics.jsonl} back to the lines of the steps before it, and goes on, so a run killed at any moment and
 * resumed writes the same bytes as the uninterrupted run (llm.c's resume check; {@code FaultInjectionTest}). The
 * resume folder is deleted once the final checkpoint is saved.
 */
public final class TrainingLoop {

    /** The folder of the resume points inside a run directory. */
    public static final String RESUME_FOLDER = "resume";

    /** The metrics file inside a run directory. */
    public static final String METRICS_FILE = "metrics.jsonl";

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
        run(trainer, steps, runDirectory, checkpointEvery, 0, progress);
    }

    /**
     * Runs from the trainer's current step to {@code steps}.
     *
     * @param resumeEvery save a resume point when t is a positive multiple of it (0 = never)
     */
    public static void run(Trainer trainer, long steps, Path runDirectory, int checkpointEvery, int resumeEvery,
                           LongConsumer progress) {
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        }
        if (resumeEvery < 0) {
            throw new IllegalArgumentException("resumeEvery must be >= 0, got " + resumeEvery);
        }
        long resumedAt = trainer.currentStep();
        try (MetricsLog log = MetricsLog.open(runDirectory.resolve(METRICS_FILE))) {
            while (trainer.currentStep() < steps) {
                long t = trainer.currentStep();
                if (resumeEvery > 0 && t > resumedAt && t % resumeEvery == 0) {
                    saveResumePoint(trainer, runDirectory, t);
                }
                if (checkpointEvery > 0 && t % checkpointEvery == 0) {
                    save(trainer, runDirectory, t);
                }
                Map<String, Object> metrics = trainer.step();
                log.write(t, metrics);
                if (progress != null) {
                    progress.accept(trainer.currentStep());
                }
            }
            save(trainer, runDirectory, trainer.currentStep());
        }
        try {
            ResumePoint.delete(runDirectory.resolve(RESUME_FOLDER));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + runDirectory.resolve(RESUME_FOLDER) + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Restores the run's last resume point into {@code trainer} (a fresh trainer built from the same settings) and
     * cuts {@code metrics.jsonl} back to the steps before it; without a resume point the run starts again at step
     * 0 with an empty metrics file.
     *
     * @return the step the run continues at
     */
    public static long resume(Trainer trainer, Path runDirectory) throws IOException {
        Optional<ResumePoint.Saved> saved = ResumePoint.restore(runDirectory.resolve(RESUME_FOLDER),
                trainer.trainedEngines());
        long step = saved.map(ResumePoint.Saved::step).orElse(0L);
        if (saved.isPresent()) {
            trainer.resumeAt(step, saved.get().state());
        }
        MetricsLog.truncateBefore(runDirectory.resolve(METRICS_FILE), step);
        return step;
    }

    private static void saveResumePoint(Trainer trainer, Path runDirectory, long step) {
        try {
            ResumePoint.save(runDirectory.resolve(RESUME_FOLDER), step, trainer.trainedEngines(), trainer.state(),
                    Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the resume point of step " + step + ": " + e.getMessage(), e);
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
