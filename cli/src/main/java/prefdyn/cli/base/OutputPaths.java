package prefdyn.cli.base;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A command's outputs never overwrite or delete its inputs: an output path equal to, inside, or containing an input
 * (a checkpoint, a reference, a pair or prompt file) is refused before anything is written. Paths are compared after
 * resolving symbolic links of their existing part, so {@code ./run}, {@code run/.} and a link to it are one path.
 */
public final class OutputPaths {

    private OutputPaths() {
    }

    /**
     * @param output     what the command writes (a file or a run directory)
     * @param outputFlag its option, for the message ("--out")
     * @param inputs     option name → path of every input the command reads (null values are skipped)
     * @throws UserError naming both options when one path is, contains or lies in the other
     */
    public static void refuseOverlap(Path output, String outputFlag, Map<String, Path> inputs) {
        Path out = canonical(output);
        for (Map.Entry<String, Path> input : inputs.entrySet()) {
            if (input.getValue() == null) {
                continue;
            }
            Path in = canonical(input.getValue());
            String relation = out.equals(in) ? "is" : in.startsWith(out) ? "contains" : out.startsWith(in) ? "lies inside"
                    : null;
            if (relation != null) {
                throw new UserError(outputFlag + " " + output + " " + relation + " the input " + input.getKey() + " "
                        + input.getValue() + "; writing there could destroy it: choose another " + outputFlag);
            }
        }
    }

    /**
     * Refuses an output file that exists (unless {@code force}) or that is a directory, before anything is
     * computed.
     */
    public static void requireNewFile(Path output, String outputFlag, boolean force) {
        if (Files.isDirectory(output)) {
            throw new UserError(outputFlag + " " + output + " is a directory; give a file name");
        }
        if (Files.exists(output, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !force) {
            throw new UserError(outputFlag + " " + output + " already exists; pass --force to replace it");
        }
        Path parent = output.toAbsolutePath().getParent();
        if (parent != null && Files.exists(parent) && !Files.isWritable(parent)) {
            throw new UserError(outputFlag + " " + output + ": cannot write in " + parent + " (permission denied)");
        }
    }

    /** Whether two paths name one file (after resolving links). */
    public static boolean sameFile(Path a, Path b) {
        return canonical(a).equals(canonical(b));
    }

    /** The absolute, normalised path with the symbolic links of its longest existing prefix resolved. */
    static Path canonical(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        Path existing = absolute;
        Path rest = absolute.getFileSystem().getPath("");
        while (existing != null && !Files.exists(existing)) {
            rest = existing.getFileName().resolve(rest);
            existing = existing.getParent();
        }
        if (existing == null) {
            return absolute;
        }
        try {
            return existing.toRealPath().resolve(rest).normalize();
        } catch (IOException e) {
            return absolute;
        }
    }
}
