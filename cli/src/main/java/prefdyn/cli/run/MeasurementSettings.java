package prefdyn.cli.run;

import prefdyn.reference.dynamics.GradientAlignment.ComponentPasses;

import java.util.Objects;

/**
 * What the analysis measures beside training: G against D′ and the probes.
 *
 * @param measureEvery k: G and the probes are measured at t = 0, k, 2k, …
 * @param gPasses      how G's component gradients are computed (field {@code g_passes}: every or linear; absent
 *                     in older configs, which means every)
 * @param finalPrompts held-out prompts of D′ (greedy final responses)
 * @param finalTokens  most tokens of each final response
 * @param probePrompts held-out prompts sampled by the sample probe (reward, judge, KL, entropy) at each measure
 * @param probeTokens  most tokens of each probe sample
 * @param probePairs   most pairs in each likelihood probe (train and held-out)
 */
public record MeasurementSettings(int measureEvery, ComponentPasses gPasses, int finalPrompts, int finalTokens,
                                  int probePrompts, int probeTokens, int probePairs) {

    public MeasurementSettings {
        Objects.requireNonNull(gPasses, "gPasses");
        Checks.positive("measure-every", measureEvery);
        Checks.positive("final-prompts", finalPrompts);
        Checks.positive("final-tokens", finalTokens);
        Checks.positive("probe-prompts", probePrompts);
        Checks.positive("probe-tokens", probeTokens);
        Checks.positive("probe-pairs", probePairs);
    }
}
