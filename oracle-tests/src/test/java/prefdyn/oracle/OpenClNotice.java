package prefdyn.oracle;

import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * At the end of the oracle-tests run: when the differential tests were skipped, writes
 * {@link OpenClGate#SKIPPED_LINE} to {@code target/opencl-notice.txt}, which the build echoes as its one line
 * about it (Surefire keeps the tests' own output in report files); and writes the measured error of every
 * comparison to {@code target/measured-errors.txt}. Registered in
 * {@code META-INF/services/org.junit.platform.launcher.TestExecutionListener}.
 */
public final class OpenClNotice implements TestExecutionListener {

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        if (OpenClGate.shouldSkip()) {
            System.out.println(OpenClGate.SKIPPED_LINE);
            try {
                Path target = Path.of("target");
                Files.createDirectories(target);
                Files.write(target.resolve("opencl-notice.txt"), List.of(OpenClGate.SKIPPED_LINE));
            } catch (IOException e) {
                throw new IllegalStateException("cannot write target/opencl-notice.txt", e);
            }
        }
        ErrorLedger.writeReport();
    }
}
