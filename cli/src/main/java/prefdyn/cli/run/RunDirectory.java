package prefdyn.cli.run;

import prefdyn.cli.base.CommandScope;
import prefdyn.cli.base.FileProblems;
import prefdyn.cli.base.UserError;
import prefdyn.cli.base.Version;
import prefdyn.reference.util.JsonFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A run directory and its life cycle ({@code README.md}, "What prefdyn promises about files").
 * <ul>
 *   <li><b>Lock.</b> A command that writes into a run directory holds an OS file lock on {@value #LOCK} in it
 *       ({@link FileChannel#tryLock}) until it ends; the kernel releases it when the process dies, however it dies.
 *       A second command on a locked directory is refused at once, naming the holder, and {@code --force} never
 *       touches a locked directory.</li>
 *   <li><b>Marker.</b> While the command works, {@value #MARKER} records its command line, PID, host and start
 *       time, for people; it is removed when the command finished. A marker in a directory nobody holds locked
 *       is an interrupted run: the next command offers {@code --resume} (continue it) or {@code --force} (delete it
 *       and start clean).</li>
 *   <li><b>Manifest.</b> {@value #MANIFEST} (format and version) marks a directory prefdyn made; {@code --force}
 *       deletes only such directories, never a folder that merely holds a {@code config.json}.</li>
 *   <li><b>Atomic files.</b> Every file is written through a temporary sibling renamed over its final name
 *       ({@link #writeAtomically}), with the permissions the umask gives; the temporary files of a killed write
 *       are removed by the next command that locks the directory.</li>
 *   <li><b>Refusals leave nothing.</b> When a command that created the directory ends with a refusal (a one-line
 *       user error), the directory is removed again (or emptied, if it existed empty before).</li>
 * </ul>
 */
public final class RunDirectory implements CommandScope.Held {

    /** The marker of a run in progress. */
    public static final String MARKER = "RUNNING";

    /** The lock file, held locked by the command writing into the directory. */
    public static final String LOCK = ".prefdyn.lock";

    /** The manifest that marks a directory prefdyn made. */
    public static final String MANIFEST = "prefdyn-run.json";

    /** The {@code format} field of the manifest. */
    public static final String FORMAT = "prefdyn-run";

    /** The manifest's {@code version}. */
    public static final int VERSION = 1;

    /** The state of a directory, seen while holding its lock. */
    public enum State { EMPTY, FINISHED, INTERRUPTED, FOREIGN }

    private final Path directory;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final boolean createdHere;     // the directory did not exist, or was empty, before this command
    private final boolean directoryMade;   // the directory itself was made by this command
    private boolean marked;
    private boolean hadMarker;

    private RunDirectory(Path directory, FileChannel lockChannel, FileLock lock, boolean createdHere,
                         boolean directoryMade) {
        this.directory = directory;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.createdHere = createdHere;
        this.directoryMade = directoryMade;
    }

    public Path path() {
        return directory;
    }

    public Path resolve(String name) {
        return directory.resolve(name);
    }

    /**
     * Starts a new run in {@code directory}: creates it (or takes it empty), or, when {@code force} is set and it is
     * a prefdyn run directory that no live command holds, deletes its contents; then writes the manifest and the
     * marker.
     *
     * @throws UserError if the directory is in use, holds a run or other files and {@code force} is not set, or is
     *                   not prefdyn's
     */
    public static RunDirectory create(Path directory, boolean force, String command) {
        RunDirectory run = lock(directory, command);
        try {
            State state = run.state();
            if (state != State.EMPTY) {
                if (!force) {
                    throw new UserError(switch (state) {
                        case INTERRUPTED -> interruptedMessage(directory);
                        case FINISHED -> directory + " already holds a finished run (" + describeManifest(directory)
                                + "); rerun with --force to replace it, or choose another --out";
                        default -> directory + " is not empty and is not a prefdyn run directory; choose another --out";
                    });
                }
                if (state == State.FOREIGN) {
                    throw new UserError("refusing to delete " + directory + ": it is not a prefdyn run directory (no "
                            + MANIFEST + "); --force only replaces directories prefdyn made: choose another --out");
                }
                run.deleteContents();
            }
            run.writeManifest(command);
            run.mark(command);
            return run;
        } catch (RuntimeException e) {
            run.release(true);
            throw e;
        }
    }

    /**
     * Continues an interrupted run in {@code directory} (or starts it, when the directory is new or empty):
     * locks it, removes the temporary files of a killed write, and marks it again.
     *
     * @return the directory, and whether it held a run to continue
     * @throws UserError if it is in use, not prefdyn's, or holds a finished run
     */
    public static RunDirectory resume(Path directory, String command) {
        RunDirectory run = lock(directory, command);
        try {
            State state = run.state();
            switch (state) {
                case FOREIGN -> throw new UserError("cannot resume in " + directory + ": it is not a prefdyn run "
                        + "directory (no " + MANIFEST + ")");
                case FINISHED -> throw new UserError(directory + " holds a finished run, nothing to resume; rerun "
                        + "with --force instead of --resume to replace it");
                case EMPTY -> run.writeManifest(command);
                default -> run.removeOrphans();
            }
            run.mark(command);
            return run;
        } catch (RuntimeException e) {
            run.release(true);
            throw e;
        }
    }

    /** Whether this directory held an interrupted run when it was opened by {@link #resume} (its files remain). */
    public boolean holdsEarlierWork() {
        return !createdHere;
    }

    /**
     * Opens an existing, finished run directory to add files to it (analyze, report), holding its lock.
     *
     * @param force       use it even if it holds an interrupted run
     * @param markRunning write the marker while the command adds files
     * @throws UserError if it is missing, in use, or holds an interrupted run and {@code force} is not set
     */
    public static RunDirectory existing(Path directory, boolean force, String command, boolean markRunning) {
        FileProblems.requireReadableDirectory(directory, "run directory");
        RunDirectory run = lock(directory, command);
        try {
            if (run.state() == State.INTERRUPTED && !force) {
                throw new UserError(directory + " holds an interrupted run (" + describeMarker(directory)
                        + "); its files may be incomplete: " + resumeAdvice(directory) + ", or pass --force here to "
                        + "use it anyway");
            }
            run.removeOrphans();
            if (markRunning) {
                run.mark(command);
            }
            return run;
        } catch (RuntimeException e) {
            run.release(true);
            throw e;
        }
    }

    /** The directory's state as this command found it (the lock is held, so no live command writes it). */
    public State state() {
        try (Stream<Path> entries = Files.list(directory)) {
            List<String> names = entries.map(p -> p.getFileName().toString()).filter(n -> !n.equals(LOCK)).toList();
            if (names.isEmpty()) {
                return State.EMPTY;
            }
            if (!names.contains(MANIFEST)) {
                return State.FOREIGN;
            }
            return names.contains(MARKER) ? State.INTERRUPTED : State.FINISHED;
        } catch (IOException e) {
            throw new UserError(FileProblems.describe("cannot list " + directory, e), e);
        }
    }

    /** Removes the marker (the run is complete) and releases the lock. */
    public void finish() {
        try {
            Files.deleteIfExists(directory.resolve(MARKER));
        } catch (IOException e) {
            throw new UncheckedIOException(FileProblems.describe("cannot remove " + directory.resolve(MARKER), e), e);
        }
        marked = false;
        release(false);
        CommandScope.forget(this);
    }

    /**
     * Releases the lock. After a refusal, a directory this command created is removed again (emptied, if it
     * existed empty), and a marker this command wrote into an existing run is removed.
     */
    @Override
    public void release(boolean refused) {
        try {
            if (refused && createdHere) {
                deleteContents();
                if (directoryMade) {
                    Files.deleteIfExists(directory.resolve(LOCK));
                    Files.deleteIfExists(directory);
                }
            } else if (refused && marked && !createdHere && !hadMarker) {
                Files.deleteIfExists(directory.resolve(MARKER));
            }
        } catch (IOException | UncheckedIOException e) {
            // best effort: the refusal's own message is what the user needs to see
        } finally {
            try {
                if (lock.isValid()) {
                    lock.release();
                }
                lockChannel.close();
            } catch (IOException ignored) {
                // the kernel drops the lock with the process
            }
        }
    }

    private static RunDirectory lock(Path directory, String command) {
        Path lockFile = directory.resolve(LOCK);
        boolean directoryMade = false;
        try {
            if (Files.exists(directory) && !Files.isDirectory(directory)) {
                throw new UserError(directory + " exists and is not a directory; choose another --out");
            }
            if (!Files.exists(directory)) {
                Files.createDirectories(directory);
                directoryMade = true;
            }
            boolean wasEmpty = isEmpty(directory);
            boolean lockExisted = Files.exists(lockFile);
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new UserError(directory + " is in use by " + describeHolder(directory)
                        + "; wait for it to finish or choose another --out");
            }
            if (!lockExisted && !wasEmpty && !Files.exists(directory.resolve(MANIFEST))) {
                Files.deleteIfExists(lockFile); // leave a foreign folder as it was; the refusal follows
                RunDirectory run = new RunDirectory(directory, channel, lock, false, false);
                run.release(false);
                throw new UserError(directory + " is not empty and is not a prefdyn run directory (no " + MANIFEST
                        + "); choose another --out");
            }
            RunDirectory run = new RunDirectory(directory, channel, lock, wasEmpty, directoryMade);
            run.hadMarker = Files.exists(directory.resolve(MARKER));
            CommandScope.hold(run);
            return run;
        } catch (IOException e) {
            throw new UserError(FileProblems.describe("cannot prepare the run directory " + directory, e), e);
        }
    }

    private void writeManifest(String command) {
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("format", FORMAT);
        manifest.put("version", VERSION);
        manifest.put("prefdyn", Version.get());
        manifest.put("created_by", command);
        manifest.put("created", Instant.now().toString());
        writeJson(directory.resolve(MANIFEST), manifest);
    }

    /** Writes the marker now (an existing directory opened without it, once the command's checks passed). */
    public void markRunning(String command) {
        mark(command);
    }

    private void mark(String command) {
        Map<String, Object> marker = new LinkedHashMap<>();
        marker.put("command", command);
        String arguments = CommandScope.arguments();
        marker.put("arguments", arguments.isEmpty() ? command : "prefdyn " + arguments);
        marker.put("started", Instant.now().toString());
        marker.put("pid", ProcessHandle.current().pid());
        marker.put("host", hostName());
        writeAtomically(directory.resolve(MARKER), JsonFiles.write(marker) + "\n");
        marked = true;
    }

    private static String hostName() {
        String host = System.getenv("HOSTNAME");
        if (host != null && !host.isBlank()) {
            return host;
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown host";
        }
    }

    /** The holder of a locked directory, from its marker: "`prefdyn train` (PID n on host, started …)". */
    private static String describeHolder(Path directory) {
        Map<String, Object> marker = readMarker(directory);
        if (marker == null) {
            return "another prefdyn command (it has not written " + MARKER + " yet)";
        }
        return "`" + marker.get("command") + "` (PID " + marker.get("pid") + " on " + marker.get("host")
                + ", started " + marker.get("started") + ")";
    }

    private static String interruptedMessage(Path directory) {
        return directory + " holds an interrupted run (" + describeMarker(directory) + "; that process is gone): "
                + resumeAdvice(directory) + ", or rerun with --force to delete it and start clean";
    }

    private static String resumeAdvice(Path directory) {
        Map<String, Object> marker = readMarker(directory);
        Object arguments = marker == null ? null : marker.get("arguments");
        return arguments == null ? "continue it with its command and --resume"
                : "continue it with `" + arguments + " --resume`";
    }

    private static String describeMarker(Path directory) {
        Map<String, Object> marker = readMarker(directory);
        return marker == null ? "marker " + MARKER + " present"
                : "`" + marker.get("command") + "`, PID " + marker.get("pid") + ", started " + marker.get("started");
    }

    private static String describeManifest(Path directory) {
        try {
            Map<String, Object> manifest = JsonFiles.parseObject(Files.readString(directory.resolve(MANIFEST)));
            return "made by `" + manifest.get("created_by") + "` " + manifest.get("created");
        } catch (IOException | IllegalArgumentException e) {
            return MANIFEST + " present";
        }
    }

    private static Map<String, Object> readMarker(Path directory) {
        try {
            return JsonFiles.parseObject(Files.readString(directory.resolve(MARKER)));
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean isEmpty(Path directory) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                if (!entry.getFileName().toString().equals(LOCK)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Deletes everything inside the directory but the lock file. */
    private void deleteContents() {
        try {
            Files.walkFileTree(directory, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    if (!file.equals(directory.resolve(LOCK))) {
                        Files.delete(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                    if (failure != null) {
                        throw failure;
                    }
                    if (!dir.equals(directory)) {
                        Files.delete(dir);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UserError(FileProblems.describe("cannot clean " + directory, e), e);
        }
    }

    /** Removes the temporary files ({@code .NAME….tmp}, {@code *.partial}) that a killed write left behind. */
    private void removeOrphans() {
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                String name = file.getFileName().toString();
                if ((name.startsWith(".") && name.endsWith(".tmp")) || name.endsWith(".partial")) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            throw new UserError(FileProblems.describe("cannot clean the temporary files of " + directory, e), e);
        }
    }

    /** Writes text to {@code file} through a temporary sibling renamed over it. */
    public static void writeAtomically(Path file, String text) {
        writeAtomically(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes bytes to {@code file} through a temporary sibling renamed over it. The temporary file is opened with
     * the ordinary options, so the file gets the permissions the umask gives, as any other file.
     */
    public static void writeAtomically(Path file, byte[] bytes) {
        Path absolute = file.toAbsolutePath();
        Path temporary = absolute.resolveSibling("." + absolute.getFileName() + "." + ProcessHandle.current().pid()
                + "." + System.nanoTime() + ".tmp");
        try {
            Files.createDirectories(absolute.getParent());
            try {
                Files.write(temporary, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                try {
                    Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(FileProblems.describe("cannot write " + file, e), e);
        }
    }

    /** Writes a JSON object, pretty enough to read (one key per line at the top level). */
    public static void writeJson(Path file, Map<String, ?> object) {
        writeAtomically(file, JsonFiles.writeOneKeyPerLine(object));
    }

    /** Reads a JSON object file, or fails with a one-line message naming it. */
    public static Map<String, Object> readJson(Path file) {
        if (!Files.exists(file)) {
            throw new UserError("missing " + file);
        }
        FileProblems.requireReadableFile(file, "file");
        try {
            return JsonFiles.parseObject(Files.readString(file, StandardCharsets.UTF_8));
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new UserError(file + ": not valid UTF-8", e);
        } catch (IOException e) {
            throw new UncheckedIOException(FileProblems.describe("cannot read " + file, e), e);
        } catch (IllegalArgumentException e) {
            throw new UserError(file + ": " + e.getMessage(), e);
        }
    }
}
