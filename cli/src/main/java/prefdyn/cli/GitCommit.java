package prefdyn.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** The git commit of the working directory, for provenance in run records; best effort, never fails a run. */
final class GitCommit {

    private GitCommit() {
    }

    /**
     * The short commit hash, with "-dirty" when tracked files differ from it, or "unknown" outside a git checkout
     * (or without git).
     */
    static String describe() {
        String commit = git("rev-parse", "--short=12", "HEAD");
        if (commit == null || commit.isBlank()) {
            return "unknown";
        }
        String status = git("status", "--porcelain", "--untracked-files=no");
        return commit.strip() + (status != null && !status.isBlank() ? "-dirty" : "");
    }

    private static String git(String... arguments) {
        String[] command = new String[arguments.length + 1];
        command[0] = "git";
        System.arraycopy(arguments, 0, command, 1, arguments.length);
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                return null;
            }
            return new String(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
