package prefdyn.cli.base;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;

/**
 * Why a file cannot be used, in the words a user needs: not found, is a directory, is a FIFO, permission denied,
 * no space left. Every reader of a user's file asks {@link #requireReadableFile} first, and {@code Main} turns an
 * I/O failure into one line with {@link #reason}.
 */
public final class FileProblems {

    private FileProblems() {
    }

    /**
     * Refuses {@code file} unless it is a regular, readable file.
     *
     * @param what how the command calls it ("pairs file", "prompts file")
     * @throws UserError naming the file and the cause
     */
    public static void requireReadableFile(Path file, String what) {
        String problem = fileProblem(file);
        if (problem != null) {
            throw new UserError(what + " " + file + " " + problem);
        }
    }

    /** Refuses {@code directory} unless it is a readable directory. */
    public static void requireReadableDirectory(Path directory, String what) {
        BasicFileAttributes attributes = attributes(directory);
        if (attributes == null) {
            throw new UserError(what + " " + directory + " does not exist");
        }
        if (!attributes.isDirectory()) {
            throw new UserError(what + " " + directory + " is " + kind(directory, attributes) + ", not a directory");
        }
        if (!Files.isReadable(directory) || !Files.isExecutable(directory)) {
            throw new UserError(what + " " + directory + " cannot be read (permission denied)");
        }
    }

    /** What is wrong with {@code file} as an input file, or null when it is a regular, readable file. */
    public static String fileProblem(Path file) {
        BasicFileAttributes attributes = attributes(file);
        if (attributes == null) {
            return "does not exist";
        }
        if (!attributes.isRegularFile()) {
            return "is " + kind(file, attributes) + ", not a regular file";
        }
        if (!Files.isReadable(file)) {
            return "cannot be read (permission denied)";
        }
        return null;
    }

    /**
     * The cause of an I/O failure in a few words ("permission denied", "no space left on device", …), or null when
     * the exception carries nothing more specific than its message.
     */
    public static String reason(IOException e) {
        String message = String.valueOf(e instanceof FileSystemException fs ? fs.getReason() : e.getMessage());
        String lower = message.toLowerCase(Locale.ROOT);
        if (lower.contains("no space left")) {
            return "no space left on device";
        }
        if (lower.contains("quota")) {
            return "disk quota exceeded";
        }
        if (lower.contains("read-only file system")) {
            return "read-only file system";
        }
        if (e instanceof AccessDeniedException || lower.contains("permission denied")) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "does not exist";
        }
        if (e instanceof NotDirectoryException || lower.contains("not a directory")) {
            return "a part of the path is not a directory";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "directory not empty";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "already exists";
        }
        if (lower.contains("is a directory")) {
            return "is a directory";
        }
        return e instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason() : null;
    }

    /**
     * One line for a failed file operation: {@code context} (e.g. "cannot write X") followed by the cause, with
     * Java's habit of giving only the file name as the message replaced by the reason.
     */
    public static String describe(String context, IOException e) {
        String reason = reason(e);
        return context + ": " + (reason != null ? reason : e.getMessage());
    }

    private static BasicFileAttributes attributes(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class);
        } catch (IOException e) {
            try { // a dangling link or a parent we may not list
                return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException ignored) {
                return null;
            }
        }
    }

    private static String kind(Path path, BasicFileAttributes attributes) {
        if (attributes.isOther()) {
            try {
                int type = ((Integer) Files.getAttribute(path, "unix:mode")) & 0170000;
                return switch (type) {
                    case 0010000 -> "a FIFO (named pipe)";
                    case 0140000 -> "a socket";
                    case 0020000, 0060000 -> "a device";
                    default -> "not a regular file";
                };
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                return "a FIFO, socket or device";
            }
        }
        return kind(attributes);
    }

    private static String kind(BasicFileAttributes attributes) {
        if (attributes.isDirectory()) {
            return "a directory";
        }
        if (attributes.isSymbolicLink()) {
            return "a dangling symbolic link";
        }
        if (attributes.isOther()) {
            return "a FIFO, socket or device";
        }
        return "a regular file";
    }
}
