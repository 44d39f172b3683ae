package prefdyn.cli.startmodel;

import prefdyn.cli.base.UserError;
import prefdyn.reference.checkpoint.Checkpoint;
import prefdyn.reference.tokenizer.BpeFiles;
import prefdyn.reference.train.ResumePoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The checkpoint directory of a start-model run: what the run writes there (and {@code --force} deletes, leaving a
 * user's other files), its refusal to train over a finished checkpoint, and {@code resume/}, kept while the run is
 * unfinished.
 */
final class StartModelFolder {

    private StartModelFolder() {
    }

    /**
     * Makes {@code folder} ready for a run: with {@code force} the run's own files are deleted; without, a finished
     * checkpoint (weights and no {@code resume/}) is refused.
     */
    static void prepare(Path folder, boolean force) throws IOException {
        if (force) {
            deleteOwnFiles(folder);
        } else if (Files.exists(folder.resolve(Checkpoint.MODEL_FILE)) && !Files.exists(folder.resolve("resume"))) {
            throw new UserError(folder + " already holds a finished checkpoint; use --force to train a new one there");
        }
    }

    /** Deletes {@code resume/}: the run finished. */
    static void finish(Path folder) throws IOException {
        ResumePoint.delete(folder.resolve("resume"));
    }

    /** What a start-model run writes into its folder, and nothing else: a user's other files stay. */
    private static void deleteOwnFiles(Path folder) throws IOException {
        for (String name : new String[] {Checkpoint.MODEL_FILE, Checkpoint.CONFIG_FILE, BpeFiles.VOCAB_FILE,
                BpeFiles.MERGES_FILE, "training.json"}) {
            Files.deleteIfExists(folder.resolve(name));
        }
        ResumePoint.delete(folder.resolve("resume"));
    }
}
