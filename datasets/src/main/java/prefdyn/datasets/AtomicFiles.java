package prefdyn.datasets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Replacing a file in one step, so that a reader sees the old file or the new one, never a half-written one. */
public final class AtomicFiles {

    private AtomicFiles() {
    }

    /**
     * A fresh path for a temporary file in {@code target}'s folder (same file system, so the final rename is
     * atomic). It is not created: writing it with the ordinary open options gives it the usual permissions.
     */
    static Path temporarySibling(Path target) {
        String name = "." + target.getFileName() + "." + ProcessHandle.current().pid() + "." + System.nanoTime()
                + ".tmp";
        return target.resolveSibling(name);
    }

    /**
     * Renames {@code temporary} (which must be in the same folder) to {@code target}, replacing it. Where the file
     * system cannot rename atomically, a plain replacing rename is used.
     */
    static void moveIntoPlace(Path temporary, Path target) throws IOException {
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Writes {@code text} as UTF-8 to {@code target} through a temporary sibling and one rename. */
    public static void writeString(Path target, String text) throws IOException {
        Path absolute = target.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        Path temporary = temporarySibling(absolute);
        try {
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            moveIntoPlace(temporary, absolute);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
