package prefdyn.reference.checkpoint;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file so that a reader, or a crash, never sees it half-written: the content goes to a temporary file
 * in the same directory ({@code .NAME.PID.NANOS.tmp}, with the permissions the umask gives), is flushed to the disk, and is then renamed over the target
 * with {@link StandardCopyOption#ATOMIC_MOVE}. Until the rename the target keeps its old content; after it, the
 * new. If writing fails, the temporary file is deleted and the target is untouched.
 */
public final class AtomicFile {

    /** What to write into the file. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFile() {
    }

    /**
     * The fault-injection suite's window into a write: with the system property {@value #PAUSE_PROPERTY} set to
     * a number of milliseconds, every write waits that long between its flushed temporary file and the rename,
     * so a test can kill the process while a checkpoint is being written. Unset (always, outside that suite), it
     * does nothing.
     */
    public static final String PAUSE_PROPERTY = "prefdyn.fault.pauseBeforeRenameMillis";

    private static void pauseForFaultInjection() {
        String pause = System.getProperty(PAUSE_PROPERTY);
        if (pause != null) {
            try {
                Thread.sleep(Long.parseLong(pause));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Writes {@code text} as UTF-8, atomically. */
    public static void writeString(Path target, String text) throws IOException {
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        write(target, out -> out.write(bytes));
    }

    public static void write(Path target, Content content) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        Files.createDirectories(directory);
        // Not Files.createTempFile, which makes the file 0600: opened like any file, it gets the umask's permissions.
        Path temporary = directory.resolve("." + absolute.getFileName() + "." + ProcessHandle.current().pid() + "."
                + System.nanoTime() + ".tmp");
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE,
                    StandardOpenOption.CREATE_NEW)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                content.writeTo(out);
                out.flush();
                channel.force(true);
            }
            pauseForFaultInjection();
            Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(temporary);
            }
        }
    }
}
