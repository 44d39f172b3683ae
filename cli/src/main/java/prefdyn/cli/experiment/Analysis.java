package prefdyn.cli.experiment;

import prefdyn.cli.base.Progress;
import prefdyn.cli.base.UserError;
import prefdyn.cli.evaluation.Evaluation;
import prefdyn.cli.run.RunConfig;
import prefdyn.cli.run.RunDirectory;
import prefdyn.datasets.JsonLines;
import prefdyn.reference.checkpoint.Checkpoint;
import prefdyn.reference.checkpoint.LoadedCheckpoint;
import prefdyn.reference.data.PromptResponse;
import prefdyn.reference.dynamics.DecomposedObjective;
import prefdyn.reference.dynamics.DynamicsRun;
import prefdyn.reference.dynamics.ParameterFingerprint;
import prefdyn.reference.dynamics.Probe;
import prefdyn.reference.engine.PolicyEngine;
import prefdyn.reference.tokenizer.Tokenizer;
import prefdyn.reference.checkpoint.Precision;
import prefdyn.reference.train.MetricsLog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The paper's analysis of one run, into its run directory (the two passes of {@code docs/architecture.md}, "How G is measured"):
 * <ol>
 *   <li><b>pass 1</b>: train T steps ({@code metrics.jsonl} when asked), then D′ = the final policy's greedy
 *       responses on held-out prompts ({@code final_responses.jsonl}); when the run was trained before, the final
 *       parameters must equal its saved final checkpoint bit for bit;</li>
 *   <li><b>evaluation</b> of the final policy against the start model ({@code evaluation.json},
 *       {@code samples.jsonl}) and its checkpoint ({@code final-model/});</li>
 *   <li><b>pass 2</b>: replay the identical run and, every k steps and once more at T, measure G against D′ with
 *       its positive/negative, tertile and layer-group breakdowns, plus the probes ({@code dynamics.jsonl}).</li>
 * </ol>
 * JSONL files are written under a {@code .partial} name and renamed when complete.
 */
public final class Analysis {

    private Analysis() {
    }

    /**
     * @param writeMetrics    write pass 1's per-step metrics to {@code metrics.jsonl} (not needed when {@code train}
     *                        already wrote them)
     * @param trainedFinal    the run's saved final checkpoint to check pass 1 against, or null
     * @param baseline        the start model's evaluation samples (shared between runs), or null to compute them
     */
    public static void run(Experiment experiment, Path runDirectory, boolean writeMetrics, Path trainedFinal,
                           Evaluation.Samples baseline, Progress progress, String label) {
        RunConfig config = experiment.config();
        DynamicsRun.Settings settings = experiment.dynamicsSettings();

        // Pass 1: train, then D′ from θ(T).
        DecomposedObjective trainer = experiment.newDecomposedTrainer();
        Progress.Stage training = progress.stage(label + "  train (pass 1)", config.steps().steps());
        DynamicsRun.FirstPass first;
        Path metricsPartial = runDirectory.resolve("metrics.jsonl.partial");
        if (writeMetrics) {
            deleteQuietly(metricsPartial);
            try (MetricsLog log = MetricsLog.open(metricsPartial)) {
                first = DynamicsRun.train(trainer, settings, log, training);
            }
            moveIntoPlace(metricsPartial, runDirectory.resolve("metrics.jsonl"));
        } else {
            first = DynamicsRun.train(trainer, settings, null, training);
        }
        training.done();
        PolicyEngine policy = trainer.policy();
        double[] finalParameters = new double[policy.layout().size()];
        policy.copyParametersTo(finalParameters);
        if (trainedFinal != null) {
            checkReproduced(trainedFinal, finalParameters);
        }
        writeFinalResponses(first.finalResponses(), experiment.tokenizer(), runDirectory.resolve("final_responses.jsonl"));
        try {
            Checkpoint.save(runDirectory.resolve("final-model"), policy.config(), finalParameters, Precision.FLOAT64,
                    experiment.tokenizer());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the final model: " + e.getMessage(), e);
        }

        // Evaluation of θ(T) against the start model.
        Progress.Stage evaluating = progress.stage(label + "  evaluate (win rate)", 1);
        Evaluation.Samples start = baseline != null ? baseline
                : Evaluation.sample(experiment.startEngine(), experiment.tokenizer(), experiment.evalPrompts(),
                config.evaluation().tokens(),
                experiment.task());
        List<Map<String, Object>> sampleLines = new ArrayList<>();
        Map<String, Object> evaluation = Evaluation.evaluate(policy, experiment.frozenReference(), experiment.tokenizer(), start,
                config.evaluation().tokens(), experiment.task(), sampleLines);
        writeJsonLines(runDirectory.resolve("samples.jsonl"), sampleLines);
        RunDirectory.writeJson(runDirectory.resolve("evaluation.json"), evaluation);
        evaluating.done();

        // Pass 2: replay with G and probes.
        DecomposedObjective replayed = experiment.newDecomposedTrainer();
        List<Probe> probes = experiment.probes();
        Progress.Stage replaying = progress.stage(label + "  replay (G, probes)", config.steps().steps() + 1);
        Path dynamicsPartial = runDirectory.resolve("dynamics.jsonl.partial");
        deleteQuietly(dynamicsPartial);
        try (MetricsLog log = MetricsLog.open(dynamicsPartial)) {
            DynamicsRun.replay(replayed, settings, first, probes, log, replaying);
            double[] parameters = new double[replayed.policy().layout().size()];
            replayed.policy().copyParametersTo(parameters);
            String fingerprint = ParameterFingerprint.of(parameters);
            if (!fingerprint.equals(ParameterFingerprint.of(finalParameters))) {
                throw new IllegalStateException("replay diverged from training at the final step " + config.steps().steps());
            }
            Map<String, Object> line = DynamicsRun.measure(replayed, first.finalResponses(), settings, fingerprint);
            for (Probe probe : probes) {
                line.putAll(probe.measure(replayed.policy()));
            }
            log.write(config.steps().steps(), line);
        }
        replaying.done();
        moveIntoPlace(dynamicsPartial, runDirectory.resolve("dynamics.jsonl"));
    }

    private static void checkReproduced(Path trainedFinal, double[] finalParameters) {
        LoadedCheckpoint saved;
        try {
            saved = Checkpoint.load(trainedFinal);
        } catch (IOException e) {
            throw new UserError("cannot load the run's final checkpoint " + trainedFinal + ": " + e.getMessage(), e);
        }
        if (!ParameterFingerprint.of(saved.parameters()).equals(ParameterFingerprint.of(finalParameters))) {
            throw new UserError("the replay does not reproduce the trained run: its final parameters differ from "
                    + trainedFinal + " (was config.json or a data file changed?)");
        }
    }

    /** D′ as JSON lines: token ids (what {@code FinalResponses.load} reads) and the decoded texts. */
    static void writeFinalResponses(List<PromptResponse> targets, Tokenizer tokenizer, Path file) {
        List<Map<String, Object>> lines = new ArrayList<>();
        for (PromptResponse target : targets) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("prompt_ids", target.prompt());
            line.put("response_ids", target.response());
            line.put("prompt", tokenizer.decodeToEndOfText(target.prompt()));
            line.put("response", tokenizer.decodeToEndOfText(target.response()));
            lines.add(line);
        }
        writeJsonLines(file, lines);
    }

    public static void writeJsonLines(Path file, List<Map<String, Object>> lines) {
        try {
            JsonLines.write(file, lines);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    static void moveIntoPlace(Path from, Path to) {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + from + " to " + to + ": " + e.getMessage(), e);
        }
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file + ": " + e.getMessage(), e);
        }
    }
}
