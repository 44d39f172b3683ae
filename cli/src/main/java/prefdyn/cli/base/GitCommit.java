package prefdyn.cli.base;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The git commit of the working directory, for provenance in run records and benchmark lines; best effort, never
 * fails a run. Read once per process, when first asked, and kept: a long {@code reproduce} records the commit its
 * code came from even when the checkout moves on while it runs (its seeds once recorded each later HEAD).
 */
public final class GitCommit {

    private static volatile String described;

    private GitCommit() {
    }

    /** {@code git rev-parse HEAD}, or "unknown" without git or outside a repository. */
    public static String head() {
        String head = git("rev-parse", "HEAD");
        return head == null || head.isBlank() ? "unknown" : head.strip();
    }

    /** Whether tracked files differ from the commit; null when git cannot say. */
    public static Boolean dirty() {
        String status = git("status", "--porcelain", "--untracked-files=no");
        return status == null ? null : !status.isBlank();
    }

    /**
     * The first 12 hex digits of {@link #head()}, with "-dirty" when tracked files differ from it, as it was when
     * this process first asked.
     */
    public static String describe() {
        String value = described;
        if (value == null) {
            value = describeNow();
            described = value;
        }
        return value;
    }

    private static String describeNow() {
        String head = head();
        if (head.equals("unknown")) {
            return head;
        }
        return head.substring(0, Math.min(12, head.length())) + (Boolean.TRUE.equals(dirty()) ? "-dirty" : "");
    }

    private static String git(String... arguments) {
        String[] command = new String[arguments.length + 1];
        command[0] = "git";
        System.arraycopy(arguments, 0, command, 1, arguments.length);
        try {
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] output;
            try (InputStream in = process.getInputStream()) {
                output = in.readAllBytes();
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return null;
            }
            return process.exitValue() == 0 ? new String(output, StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
