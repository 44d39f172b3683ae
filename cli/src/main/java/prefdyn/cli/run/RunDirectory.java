package prefdyn.cli.run;

import prefdyn.cli.base.UserError;
import prefdyn.reference.util.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A run directory and its life cycle. While a command writes into it, the directory carries a marker file
 * {@value #MARKER} (what runs, since when); the marker is removed only when the command finished. Every file is
 * written through a temporary sibling renamed over its final name ({@link #writeAtomically}), so a reader never
 * sees a half-written file under a final name. A directory that still holds the marker was interrupted: a new
 * command refuses it unless {@code --force} asks to clean it (resuming is not supported yet).
 */
public final class RunDirectory {

    /** The marker of a run in progress. */
    public static final String MARKER = "RUNNING";

    /** Files whose presence makes a directory recognisable as prefdyn's, so {@code --force} may clean it. */
    private static final String[] SIGNATURE_FILES = {MARKER, "config.json", "report.html", "metrics.jsonl"};

    private final Path directory;

    private RunDirectory(Path directory) {
        this.directory = directory;
    }

    public Path path() {
        return directory;
    }

    public Path resolve(String name) {
        return directory.resolve(name);
    }

    /**
     * Starts a new run in {@code directory}: creates it, or cleans it when {@code force} is set and it looks like a
     * prefdyn run directory, then writes the marker.
     *
     * @throws UserError if the directory holds an interrupted run or other files and {@code force} is not set
     */
    public static RunDirectory create(Path directory, boolean force, String command) {
        try {
            if (Files.exists(directory) && !Files.isDirectory(directory)) {
                throw new UserError(directory + " exists and is not a directory; choose another --out");
            }
            if (Files.isDirectory(directory) && !isEmpty(directory)) {
                boolean interrupted = Files.exists(directory.resolve(MARKER));
                if (!force) {
                    throw new UserError(interrupted
                            ? directory + " holds an interrupted run (" + describeMarker(directory) + "); resuming is "
                            + "not supported yet: rerun with --force to delete it and start clean"
                            : directory + " is not empty; rerun with --force to replace it, or choose another --out");
                }
                if (!looksLikeRun(directory)) {
                    throw new UserError("refusing to clean " + directory + ": it does not look like a prefdyn run "
                            + "directory (no RUNNING, config.json, report.html or metrics.jsonl); choose another --out");
                }
                deleteContents(directory);
            }
            Files.createDirectories(directory);
            RunDirectory run = new RunDirectory(directory);
            run.mark(command);
            return run;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the run directory " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens an existing, finished run directory to add files to it (analyze, report).
     *
     * @throws UserError if it is missing, or holds an interrupted run and {@code force} is not set
     */
    public static RunDirectory existing(Path directory, boolean force, String command, boolean markRunning) {
        if (!Files.isDirectory(directory)) {
            throw new UserError("run directory " + directory + " does not exist");
        }
        if (Files.exists(directory.resolve(MARKER)) && !force) {
            throw new UserError(directory + " holds an interrupted or still running run (" + describeMarker(directory)
                    + "); its files may be incomplete: rerun that command with --force, or pass --force here to "
                    + "use it anyway");
        }
        RunDirectory run = new RunDirectory(directory);
        if (markRunning) {
            run.mark(command);
        }
        return run;
    }

    /** Removes the marker: the run is complete. */
    public void finish() {
        try {
            Files.deleteIfExists(directory.resolve(MARKER));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + directory.resolve(MARKER) + ": " + e.getMessage(), e);
        }
    }

    private void mark(String command) {
        Map<String, Object> marker = new LinkedHashMap<>();
        marker.put("command", command);
        marker.put("started", Instant.now().toString());
        marker.put("pid", ProcessHandle.current().pid());
        writeAtomically(directory.resolve(MARKER), Json.write(marker) + "\n");
    }

    private static String describeMarker(Path directory) {
        try {
            Map<String, Object> marker = Json.parseObject(Files.readString(directory.resolve(MARKER)));
            return "'" + marker.get("command") + "' started " + marker.get("started");
        } catch (IOException | IllegalArgumentException e) {
            return "marker " + MARKER + " present";
        }
    }

    private static boolean looksLikeRun(Path directory) {
        for (String name : SIGNATURE_FILES) {
            if (Files.exists(directory.resolve(name))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isEmpty(Path directory) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            return !entries.iterator().hasNext();
        }
    }

    private static void deleteContents(Path directory) throws IOException {
        Files.walkFileTree(directory, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
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
    }

    /** Writes text to {@code file} through a temporary sibling renamed over it. */
    public static void writeAtomically(Path file, String text) {
        writeAtomically(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes bytes to {@code file} through a temporary sibling renamed over it. */
    public static void writeAtomically(Path file, byte[] bytes) {
        Path absolute = file.toAbsolutePath();
        try {
            Files.createDirectories(absolute.getParent());
            Path temporary = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName(), ".tmp");
            try {
                Files.write(temporary, bytes);
                try {
                    Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes a JSON object, pretty enough to read (one key per line at the top level). */
    public static void writeJson(Path file, Map<String, ?> object) {
        writeAtomically(file, prettyJson(object));
    }

    /** A JSON object with one top-level key per line; nested values stay compact. */
    public static String prettyJson(Map<String, ?> object) {
        StringBuilder text = new StringBuilder("{\n");
        int i = 0;
        for (Map.Entry<String, ?> entry : object.entrySet()) {
            text.append("  ").append(Json.write(entry.getKey())).append(": ").append(Json.write(entry.getValue()));
            text.append(++i < object.size() ? ",\n" : "\n");
        }
        return text.append("}\n").toString();
    }

    /** Reads a JSON object file, or fails with a one-line message naming it. */
    public static Map<String, Object> readJson(Path file) {
        if (!Files.exists(file)) {
            throw new UserError("missing " + file);
        }
        try {
            return Json.parseObject(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new UserError(file + ": " + e.getMessage(), e);
        }
    }
}
