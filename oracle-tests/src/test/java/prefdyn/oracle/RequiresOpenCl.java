package prefdyn.oracle;

import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/**
 * Skips a test container when there is no OpenCL device and {@code CI} is not {@code true}. In CI nothing is
 * skipped: every twin is opened with {@code FallbackPolicy.FAIL_FAST}, so a missing device fails each test with a
 * message that says how to install one.
 */
public final class RequiresOpenCl implements SkipExecutionHook {

    @Override
    public SkipResult shouldBeSkipped(LifecycleContext context) {
        return OpenClGate.shouldSkip()
                ? SkipResult.skip("no OpenCL device; install PoCL to run the differential tests")
                : SkipResult.doNotSkip();
    }
}
