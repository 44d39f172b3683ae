package prefdyn.reference.ppo;

import java.util.Map;

/**
 * What one PPO step did.
 *
 * @param step       the 0-based index of the step (also the {@code "step"} of its metrics line)
 * @param experience the rollout and the advantages it was trained on (for analysis, e.g. G of its token groups)
 * @param metrics    the metrics written to the log, in order, under TRL's names plus prefdyn's
 */
public record PpoStepResult(long step, Experience experience, Map<String, Double> metrics) {

    public PpoStepResult {
        metrics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
    }
}
