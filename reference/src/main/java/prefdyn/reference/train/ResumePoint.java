package prefdyn.reference.train;

import prefdyn.reference.checkpoint.AtomicFile;
import prefdyn.reference.checkpoint.Checkpoint;
import prefdyn.reference.checkpoint.CheckpointException;
import prefdyn.reference.engine.PolicyEngine;
import prefdyn.reference.util.JsonFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a run needs to go on exactly where it stopped, as llm.c's and TRL's resumable checkpoints hold it:
 * each trained engine's θ and AdamW moments and step count, the step reached, the trainer's own state
 * ({@link Trainer.State}: a KL controller's coefficient, a controller's λ and probe gradient) and a record of the
 * run so far. Data order, learning-rate and λ schedules and every random stream are pure functions of the seed and
 * the step ({@link DataOrder}, the trainers' per-step stream seeds), so the step restores them.
 *
 * <p>Layout under a {@code resume/} folder: {@code step-NNNNNNN/} holds the first engine as a checkpoint
 * ({@code model.safetensors}, {@code config.json}) with {@code optimizer.safetensors} (m, v) beside it, every
 * further engine the same way in a sub-folder named after it, and the trainer's arrays in
 * {@code state.safetensors}; then {@code latest.json}, which names the step and holds the state's values, is
 * written last, in one rename. A kill at any moment leaves {@code latest.json} naming a complete folder (or no
 * {@code latest.json} yet); older step folders are deleted only after the new one is named.
 */
public final class ResumePoint {

    /** The file that names the last complete resume folder. */
    public static final String LATEST = "latest.json";

    private static final String OPTIMIZER_FILE = "optimizer.safetensors";
    private static final String STATE_FILE = "state.safetensors";

    /** A resume point read back: the step reached, the trainer's state and what the run had recorded by then. */
    public record Saved(long step, Trainer.State state, Map<String, Object> record) {
    }

    private ResumePoint() {
    }

    /** Saves one engine with no trainer state (start-model pre-training). */
    public static void save(Path resumeDirectory, long step, PolicyEngine engine, Map<String, Object> record)
            throws IOException {
        save(resumeDirectory, step, Map.of("model", engine), Trainer.State.NONE, record);
    }

    /**
     * Saves the engines' θ and optimizer state and the trainer's state as the state after {@code step} steps, with
     * {@code record} (JSON-serialisable), then names it in {@code latest.json}.
     *
     * @param engines name → engine, in a fixed order; the first is stored at the folder's top
     */
    public static void save(Path resumeDirectory, long step, Map<String, PolicyEngine> engines, Trainer.State state,
                            Map<String, Object> record) throws IOException {
        Path folder = resumeDirectory.resolve(String.format("step-%07d", step));
        Map<String, Object> optimizerSteps = new LinkedHashMap<>();
        boolean first = true;
        for (Map.Entry<String, PolicyEngine> named : engines.entrySet()) {
            Path engineFolder = first ? folder : folder.resolve(named.getKey());
            first = false;
            PolicyEngine engine = named.getValue();
            int size = engine.layout().size();
            double[] parameters = new double[size];
            double[] firstMoment = new double[size];
            double[] secondMoment = new double[size];
            engine.copyParametersTo(parameters);
            engine.copyOptimizerStateTo(firstMoment, secondMoment);
            Checkpoint.save(engineFolder, engine.config(), parameters);
            Map<String, double[]> moments = new LinkedHashMap<>();
            moments.put("exp_avg", firstMoment);
            moments.put("exp_avg_sq", secondMoment);
            Checkpoint.saveArrays(engineFolder.resolve(OPTIMIZER_FILE), moments);
            optimizerSteps.put(named.getKey(), engine.optimizerSteps());
        }
        if (!state.arrays().isEmpty()) {
            Checkpoint.saveArrays(folder.resolve(STATE_FILE), state.arrays());
        }
        Map<String, Object> latest = new LinkedHashMap<>();
        latest.put("step", step);
        latest.put("optimizer_steps", optimizerSteps);
        latest.put("folder", folder.getFileName().toString());
        latest.put("state", state.values());
        latest.put("record", record);
        AtomicFile.writeString(resumeDirectory.resolve(LATEST), JsonFiles.write(latest) + "\n");
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(resumeDirectory, "step-*")) {
            for (Path older : folders) {
                if (!older.getFileName().equals(folder.getFileName())) {
                    deleteFolder(older);
                }
            }
        }
    }

    /** Restores one engine (start-model pre-training). */
    public static Optional<Saved> restore(Path resumeDirectory, PolicyEngine engine) throws IOException {
        return restore(resumeDirectory, Map.of("model", engine));
    }

    /**
     * Restores the last saved state into {@code engines}, if there is one; the trainer's state is returned for the
     * trainer to take ({@link Trainer#resumeAt}).
     *
     * @return the step, state and record saved, or empty when {@code resumeDirectory} holds no {@code latest.json}
     * @throws CheckpointException when a saved model does not fit its engine's shape, or an engine is missing
     */
    public static Optional<Saved> restore(Path resumeDirectory, Map<String, PolicyEngine> engines) throws IOException {
        Path latestFile = resumeDirectory.resolve(LATEST);
        if (!Files.isRegularFile(latestFile)) {
            return Optional.empty();
        }
        Map<String, Object> latest;
        try {
            latest = JsonFiles.parseObject(Files.readString(latestFile, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(latestFile, e.getMessage());
        }
        Path folder = resumeDirectory.resolve(String.valueOf(latest.get("folder")));
        Object steps = latest.get("optimizer_steps");
        boolean first = true;
        for (Map.Entry<String, PolicyEngine> named : engines.entrySet()) {
            Path engineFolder = first ? folder : folder.resolve(named.getKey());
            first = false;
            PolicyEngine engine = named.getValue();
            var loaded = Checkpoint.load(engineFolder);
            Checkpoint.requireFinite(engineFolder, loaded);
            if (!loaded.config().equals(engine.config())) {
                throw new CheckpointException(engineFolder, "the saved model's shape " + loaded.config()
                        + " differs from this run's " + engine.config());
            }
            Map<String, double[]> moments = Checkpoint.loadArrays(engineFolder.resolve(OPTIMIZER_FILE));
            long optimizerSteps = steps instanceof Map<?, ?> byName && byName.get(named.getKey()) instanceof Number n
                    ? n.longValue() : steps instanceof Number n ? n.longValue() : -1;
            if (optimizerSteps < 0) {
                throw new CheckpointException(latestFile, "no optimizer step count for '" + named.getKey() + "'");
            }
            engine.setParameters(loaded.parameters());
            engine.restoreOptimizerState(moments.get("exp_avg"), moments.get("exp_avg_sq"), optimizerSteps);
        }
        Map<String, double[]> arrays = Files.exists(folder.resolve(STATE_FILE))
                ? Checkpoint.loadArrays(folder.resolve(STATE_FILE)) : Map.of();
        @SuppressWarnings("unchecked")
        Map<String, Object> values = latest.get("state") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        @SuppressWarnings("unchecked")
        Map<String, Object> record = latest.get("record") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        return Optional.of(new Saved(((Number) latest.get("step")).longValue(), new Trainer.State(values, arrays),
                record));
    }

    /** Deletes the whole resume folder (when the run finished and its final model is saved). */
    public static void delete(Path resumeDirectory) throws IOException {
        if (Files.isDirectory(resumeDirectory)) {
            deleteFolder(resumeDirectory);
        }
    }

    private static void deleteFolder(Path folder) throws IOException {
        try (var walk = Files.walk(folder)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** The names of the resume folders present. */
    public static List<String> folders(Path resumeDirectory) throws IOException {
        try (var list = Files.list(resumeDirectory)) {
            return list.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("step-")).sorted().toList();
        }
    }
}
