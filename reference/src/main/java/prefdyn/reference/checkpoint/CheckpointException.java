package prefdyn.reference.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A checkpoint file on disk is missing, truncated, corrupt, or does not match the model it should hold. The
 * message always starts with the file's path, then says what is wrong and names the tensor or field involved.
 *
 * <p>Mistakes by the caller (for example a parameter array of the wrong length handed to
 * {@link Checkpoint#save}) are {@link IllegalArgumentException}s instead, thrown before anything is written.
 */
public final class CheckpointException extends IOException {

    private final Path file;

    public CheckpointException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public CheckpointException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The file (or directory) the problem was found in. */
    public Path file() {
        return file;
    }
}
