package prefdyn.reference.train;

import prefdyn.reference.engine.PolicyEngine;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the DPO and PPO tests of one backward pass per step (the default) against the two passes of
 * {@code componentNorms} check alike: the two metric maps agree on every key but the component norms, to a
 * relative tolerance.
 */
public final class OneBackwardPassChecks {

    /** The metrics only the two-pass step has. */
    public static final String[] COMPONENT_KEYS = {"grad_norm/positive", "grad_norm/negative",
            "grad_cosine/positive_negative"};

    private OneBackwardPassChecks() {
    }

    /**
     * The one-pass metrics are the two-pass ones without {@link #COMPONENT_KEYS}, each value within
     * {@code relative}·max(|a|, |b|) of its counterpart.
     */
    public static void assertSameMetrics(Map<String, ?> onePass, Map<String, ?> twoPasses, double relative,
                                         String what) {
        assertThat(onePass).as(what).doesNotContainKeys(COMPONENT_KEYS);
        assertThat(twoPasses).as(what).containsKeys(COMPONENT_KEYS);
        assertThat(twoPasses.keySet()).as(what).containsAll(onePass.keySet())
                .hasSize(onePass.size() + COMPONENT_KEYS.length);
        for (Map.Entry<String, ?> entry : onePass.entrySet()) {
            double a = ((Number) entry.getValue()).doubleValue();
            double b = ((Number) twoPasses.get(entry.getKey())).doubleValue();
            assertThat(Math.abs(a - b)).as("%s, %s: one pass %s, two passes %s", what, entry.getKey(), a, b)
                    .isLessThanOrEqualTo(relative * Math.max(Math.abs(a), Math.abs(b)));
        }
    }

    /** max_i |a_i − b_i| over two arrays of one length. */
    public static double maxAbsDifference(double[] a, double[] b) {
        assertThat(a).hasSameSizeAs(b);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    /** [P] an engine's parameters. */
    public static double[] parameters(PolicyEngine engine) {
        double[] params = new double[engine.layout().size()];
        engine.copyParametersTo(params);
        return params;
    }
}
