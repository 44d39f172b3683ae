package prefdyn.datasets.startmodel;

import prefdyn.datasets.AtomicFiles;
import prefdyn.reference.checkpoint.Checkpoint;
import prefdyn.reference.checkpoint.CheckpointException;
import prefdyn.reference.engine.PolicyEngine;
import prefdyn.reference.util.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a pre-training run needs to go on exactly where it stopped, as llm.c's and TRL's resumable
 * checkpoints hold it: θ, AdamW's moments and step count, the step reached, and the run's own record so far. The
 * data order and the learning-rate schedule are pure functions of the step, so nothing else is needed.
 *
 * <p>Layout under the run's {@code resume/} folder: {@code step-NNNNNNN/model.safetensors} (θ, F64) and
 * {@code step-NNNNNNN/optimizer.safetensors} (m, v), then {@code latest.json}, which names the step and is written
 * last, in one rename. A kill at any moment leaves {@code latest.json} naming a complete folder (or no
 * {@code latest.json} yet); older step folders are deleted only after the new one is named.
 */
public final class ResumePoint {

    /** The file that names the last complete resume folder. */
    public static final String LATEST = "latest.json";

    private static final String OPTIMIZER_FILE = "optimizer.safetensors";

    /** A resume point read back: the step reached and what the run had recorded by then. */
    public record Saved(long step, Map<String, Object> record) {
    }

    private ResumePoint() {
    }

    /**
     * Saves the engine's θ and optimizer state as the state after {@code step} steps, with {@code record} (the
     * run's settings and curve so far, JSON-serialisable), then names it in {@code latest.json}.
     */
    public static void save(Path resumeDirectory, long step, PolicyEngine engine, Map<String, Object> record)
            throws IOException {
        Path folder = resumeDirectory.resolve(String.format("step-%07d", step));
        int size = engine.layout().size();
        double[] parameters = new double[size];
        double[] firstMoment = new double[size];
        double[] secondMoment = new double[size];
        engine.copyParametersTo(parameters);
        engine.copyOptimizerStateTo(firstMoment, secondMoment);
        Checkpoint.save(folder, engine.config(), parameters);
        Map<String, double[]> moments = new LinkedHashMap<>();
        moments.put("exp_avg", firstMoment);
        moments.put("exp_avg_sq", secondMoment);
        Checkpoint.saveArrays(folder.resolve(OPTIMIZER_FILE), moments);
        Map<String, Object> latest = new LinkedHashMap<>();
        latest.put("step", step);
        latest.put("optimizer_steps", engine.optimizerSteps());
        latest.put("folder", folder.getFileName().toString());
        latest.put("record", record);
        AtomicFiles.writeString(resumeDirectory.resolve(LATEST), Json.write(latest) + "\n");
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(resumeDirectory, "step-*")) {
            for (Path older : folders) {
                if (!older.getFileName().equals(folder.getFileName())) {
                    deleteFolder(older);
                }
            }
        }
    }

    /**
     * Restores the last saved state into {@code engine}, if there is one.
     *
     * @return the step and record saved, or empty when {@code resumeDirectory} holds no {@code latest.json}
     * @throws CheckpointException when the saved model does not fit the engine's shape
     */
    public static Optional<Saved> restore(Path resumeDirectory, PolicyEngine engine) throws IOException {
        Path latestFile = resumeDirectory.resolve(LATEST);
        if (!Files.isRegularFile(latestFile)) {
            return Optional.empty();
        }
        Map<String, Object> latest = Json.parseObject(Files.readString(latestFile, StandardCharsets.UTF_8));
        Path folder = resumeDirectory.resolve((String) latest.get("folder"));
        var loaded = Checkpoint.load(folder);
        if (!loaded.config().equals(engine.config())) {
            throw new CheckpointException(folder, "the saved model's shape " + loaded.config()
                    + " differs from this run's " + engine.config());
        }
        Map<String, double[]> moments = Checkpoint.loadArrays(folder.resolve(OPTIMIZER_FILE));
        engine.setParameters(loaded.parameters());
        engine.restoreOptimizerState(moments.get("exp_avg"), moments.get("exp_avg_sq"),
                ((Number) latest.get("optimizer_steps")).longValue());
        @SuppressWarnings("unchecked")
        Map<String, Object> record = (Map<String, Object>) latest.get("record");
        return Optional.of(new Saved(((Number) latest.get("step")).longValue(), record));
    }

    private static void deleteFolder(Path folder) throws IOException {
        try (var walk = Files.walk(folder)) {
            for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** The names of the resume folders present (for tests). */
    static List<String> folders(Path resumeDirectory) throws IOException {
        try (var list = Files.list(resumeDirectory)) {
            return list.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("step-")).sorted().toList();
        }
    }
}
