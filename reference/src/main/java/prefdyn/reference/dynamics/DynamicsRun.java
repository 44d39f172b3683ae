package prefdyn.reference.dynamics;

import prefdyn.reference.data.PromptResponse;
import prefdyn.reference.engine.PolicyEngine;
import prefdyn.reference.sampling.SamplingSettings;
import prefdyn.reference.train.MetricsLog;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * The paper's analysis as two passes over one deterministic training run (paper §3; {@code docs/architecture.md}, "How
 * G is measured"):
 * <ol>
 *   <li><b>Train</b> for T steps, recording the fingerprint of θ(t) at every measured step, and build D′ from the
 *       final policy θ(T) on held-out prompts ({@link FinalResponses}).</li>
 *   <li><b>Replay</b> the same run from the same seed — bit-identical, because every trainer is deterministic —
 *       and at every k-th step, before the update, measure G(L; θ(t)) and its breakdowns
 *       ({@link GradientAlignment}) against D′. The fingerprint of θ(t) is checked against pass 1, so a replay
 *       that drifted by one bit fails instead of reporting wrong numbers.</li>
 * </ol>
 * Replay instead of checkpoints works for DPO and PPO alike (PPO's step also needs its value model and its
 * rollouts, which the replay regenerates) at the cost of training twice.
 */
public final class DynamicsRun {

    /**
     * @param steps          T, the number of training steps
     * @param measureEvery   k: G is measured at t = 0, k, 2k, … &lt; T
     * @param heldOutPrompts the prompts x′ of D′
     * @param finalSampling  how D′ is decoded (greedy by default)
     * @param samplingSeed   seed of D′'s decoding when it samples
     * @param average        how Ê_{D′} averages
     * @param chunkSize      sequences per forward pass when computing the target gradient
     * @param passes         how G's component gradients are computed: one backward pass each (the default) or 4
     *                       passes and linearity; the values agree up to rounding
     */
    public record Settings(long steps, int measureEvery, List<int[]> heldOutPrompts, SamplingSettings finalSampling,
                           long samplingSeed, GradientAlignment.TargetAverage average, int chunkSize,
                           GradientAlignment.ComponentPasses passes) {

        public Settings {
            if (steps < 1 || measureEvery < 1 || chunkSize < 1) {
                throw new IllegalArgumentException("steps, measureEvery and chunkSize must be positive");
            }
            if (heldOutPrompts.isEmpty()) {
                throw new IllegalArgumentException("D′ needs at least one held-out prompt");
            }
            Objects.requireNonNull(passes, "passes");
            heldOutPrompts = List.copyOf(heldOutPrompts);
        }

        /** One backward pass per G component ({@link GradientAlignment.ComponentPasses#EVERY_COMPONENT}). */
        public Settings(long steps, int measureEvery, List<int[]> heldOutPrompts, SamplingSettings finalSampling,
                        long samplingSeed, GradientAlignment.TargetAverage average, int chunkSize) {
            this(steps, measureEvery, heldOutPrompts, finalSampling, samplingSeed, average, chunkSize,
                    GradientAlignment.ComponentPasses.EVERY_COMPONENT);
        }
    }

    /** What pass 1 produced: the final responses and θ(t)'s fingerprint at each measured step. */
    public record FirstPass(List<PromptResponse> finalResponses, Map<Long, String> fingerprints) {
    }

    private DynamicsRun() {
    }

    /** Pass 1: trains {@code trainer} for T steps and generates D′ from the final policy. */
    public static FirstPass train(DecomposedObjective trainer, Settings settings, MetricsLog trainingLog,
                                  LongConsumer progress) {
        Map<Long, String> fingerprints = new LinkedHashMap<>();
        for (long t = 0; t < settings.steps(); t++) {
            if (t % settings.measureEvery() == 0) {
                fingerprints.put(t, fingerprint(trainer.policy()));
            }
            Map<String, Object> metrics = trainer.step();
            if (trainingLog != null) {
                trainingLog.write(t, metrics);
            }
            if (progress != null) {
                progress.accept(t + 1);
            }
        }
        List<PromptResponse> targets = FinalResponses.generate(trainer.policy(), settings.heldOutPrompts(),
                settings.finalSampling(), settings.samplingSeed());
        return new FirstPass(targets, fingerprints);
    }

    /**
     * Pass 2: replays a fresh, identical trainer and writes one line per measured step to {@code dynamicsLog}:
     * the G values of {@link GradientAlignment#measure} (computed as the settings' {@code passes} say), the batch
     * statistics, {@code target/nll} (the NLL of D′ at θ(t)) and {@code theta/fingerprint}.
     *
     * @throws IllegalStateException if the replayed θ(t) differs from pass 1's
     */
    public static void replay(DecomposedObjective trainer, Settings settings, FirstPass firstPass,
                              MetricsLog dynamicsLog, LongConsumer progress) {
        replay(trainer, settings, firstPass, List.of(), dynamicsLog, progress);
    }

    /** Pass 2 with probes: each measured line also holds every probe's values at θ(t). */
    public static void replay(DecomposedObjective trainer, Settings settings, FirstPass firstPass, List<Probe> probes,
                              MetricsLog dynamicsLog, LongConsumer progress) {
        for (long t = 0; t < settings.steps(); t++) {
            if (t % settings.measureEvery() == 0) {
                String fingerprint = fingerprint(trainer.policy());
                String expected = firstPass.fingerprints().get(t);
                if (!fingerprint.equals(expected)) {
                    throw new IllegalStateException("replay diverged from training at step " + t + ": θ(t) fingerprint "
                            + fingerprint + " != " + expected + " (is the trainer deterministic for its seed?)");
                }
                Map<String, Object> line = measure(trainer, firstPass.finalResponses(), settings, fingerprint);
                for (Probe probe : probes) {
                    line.putAll(probe.measure(trainer.policy()));
                }
                dynamicsLog.write(t, line);
            }
            trainer.step();
            if (progress != null) {
                progress.accept(t + 1);
            }
        }
    }

    /** One measurement at the trainer's current step; leaves parameters and step unchanged. */
    public static Map<String, Object> measure(DecomposedObjective trainer, List<PromptResponse> targets,
                                              Settings settings, String fingerprint) {
        PolicyEngine policy = trainer.policy();
        GradientAlignment.Target target = GradientAlignment.targetGradient(policy, targets, settings.average(),
                settings.chunkSize());
        ComponentSeeds seeds = trainer.componentSeeds();
        Map<String, Object> line = new LinkedHashMap<>();
        line.putAll(GradientAlignment.measure(policy, target.gradient(), seeds, settings.passes()));
        line.put("target/nll", target.nll());
        line.putAll(seeds.statistics());
        line.put("theta/fingerprint", fingerprint);
        policy.zeroGradients();
        return line;
    }

    private static String fingerprint(PolicyEngine policy) {
        double[] params = new double[policy.layout().size()];
        policy.copyParametersTo(params);
        return ParameterFingerprint.of(params);
    }

    /** Convenience: both passes, each on a fresh trainer from {@code trainers}. */
    public static FirstPass run(Supplier<? extends DecomposedObjective> trainers, Settings settings,
                                MetricsLog trainingLog, MetricsLog dynamicsLog) {
        FirstPass first = train(trainers.get(), settings, trainingLog, null);
        replay(trainers.get(), settings, first, dynamicsLog, null);
        return first;
    }
}
