package prefdyn.reference.dynamics;

import prefdyn.reference.engine.PolicyEngine;

import java.util.Map;

/**
 * A measurement of the policy at θ(t) taken beside G ({@code docs/paper-map.md}, "Optimization dynamics": likelihood
 * displacement, entropy, KL to the reference, ranking accuracy, reward and judge scores). A probe must not change the
 * policy's parameters.
 */
@FunctionalInterface
public interface Probe {

    /** Named values, e.g. {@code heldout/logps/chosen}. */
    Map<String, Double> measure(PolicyEngine policy);
}
