package prefdyn.reference.dynamics;

import org.junit.jupiter.api.Test;
import prefdyn.reference.TestEngines;
import prefdyn.reference.data.PromptResponse;
import prefdyn.reference.dpo.DpoLossType;
import prefdyn.reference.dpo.DpoSettings;
import prefdyn.reference.dpo.DpoTrainer;
import prefdyn.reference.dpo.DpoVariant;
import prefdyn.reference.dpo.PreferenceExample;
import prefdyn.reference.engine.BackwardSeeds;
import prefdyn.reference.engine.ForwardingEngine;
import prefdyn.reference.engine.PolicyEngine;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.ParameterLayout;
import prefdyn.reference.ppo.PpoConfig;
import prefdyn.reference.ppo.PpoObjective;
import prefdyn.reference.ppo.PpoTrainer;
import prefdyn.reference.ppo.RewardFunction;
import prefdyn.reference.ppo.Tertile;
import prefdyn.reference.sampling.SamplingSettings;
import prefdyn.reference.train.TrainingSettings;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link GradientAlignment.ComponentPasses#BY_LINEARITY}: ∇L = ∇L⁺ + ∇L⁻ and ∇L_top = ∇L − ∇L_bottom − ∇L_middle
 * from 4 backward passes give every value of the 6-pass measurement up to rounding, for DPO's and PPO's seeds.
 */
class GradientAlignmentByLinearityTest {

    private static final GptConfig DPO_CONFIG = new GptConfig(11, 10, 2, 2, 8, false, false);
    private static final GptConfig PPO_CONFIG = new GptConfig(64, 8, 1, 2, 16, false, false);

    private static final List<PreferenceExample> PAIRS = List.of(
            new PreferenceExample(new int[] {1, 2}, new int[] {3, 4}, new int[] {5}),
            new PreferenceExample(new int[] {6}, new int[] {7, 8, 9}, new int[] {10, 0}),
            new PreferenceExample(new int[] {2, 2, 2}, new int[] {1}, new int[] {9, 9}),
            new PreferenceExample(new int[] {4}, new int[] {4, 4}, new int[] {3, 1, 2}),
            new PreferenceExample(new int[] {5, 1}, new int[] {2}, new int[] {8, 6, 6}),
            new PreferenceExample(new int[] {9}, new int[] {0, 3}, new int[] {7}));

    private static final List<PromptResponse> DPO_TARGETS = List.of(
            new PromptResponse(new int[] {1, 2}, new int[] {3, 4, 4}),
            new PromptResponse(new int[] {6}, new int[] {7, 1}));

    private static final List<int[]> PPO_PROMPTS = List.of(new int[] {1, 2}, new int[] {3}, new int[] {4, 7, 2});
    private static final List<PromptResponse> PPO_TARGETS = List.of(
            new PromptResponse(new int[] {3}, new int[] {5, 9, 9}),
            new PromptResponse(new int[] {9, 9}, new int[] {2, 5}));
    /** A reward with several distinct values, so the whitened advantages have both signs and distinct sizes. */
    private static final RewardFunction TOKEN_SUM = sequences -> sequences.stream()
            .mapToDouble(s -> {
                double sum = 0;
                for (int token : s.response()) {
                    sum += (token % 7) / 7.0;
                }
                return sum;
            }).toArray();

    /**
     * Agreement asked of the values formed by linearity (the total's and the top tertile's): |linear − every| ≤
     * 1e-12 · max(|value|, scale), where the scale is the magnitude the value is formed from: S = ‖g⁺‖ + ‖g⁻‖ +
     * ‖g_bottom‖ + ‖g_middle‖ for a gradient norm, ‖g′‖·S for a G (Cauchy–Schwarz: |g′·δ| ≤ ‖g′‖‖δ‖ for the rounding δ
     * of the sums, a few ulps of those gradients) and S/‖g‖ for a cosine. 1e-12 of the value alone is not enough
     * where G⁺ and G⁻ cancel: on the 2-pair batch below G/total ≈ 2.1e-4 differs by 2.2e-12 of itself. Every other
     * value comes from the same backward pass in both modes and must be bit-identical.
     */
    private static final double RELATIVE = 1e-12;

    private static DpoTrainer dpoTrainer(PolicyEngine policy) {
        return DpoTrainer.withReferenceModel(policy, TestEngines.noisy(DPO_CONFIG, 99, 0.2), PAIRS,
                DpoSettings.standard(0.5, 10), TrainingSettings.of(6, 1e-3, 7));
    }

    private static PpoTrainer ppoTrainer(PolicyEngine policy) {
        PpoConfig config = PpoConfig.builder().batchSize(6).numMiniBatches(2).responseLength(3).learningRate(1e-2)
                .objective(PpoObjective.standard()).seed(3).build();
        return new PpoTrainer(policy, TestEngines.noisy(PPO_CONFIG, 5, 0.1),
                TestEngines.noisy(PPO_CONFIG.withValueHead(true), 101, 0.1), TOKEN_SUM, PPO_PROMPTS, config);
    }

    @Test
    void dpoByLinearityAgreesWithEveryComponentOnEveryKey() {
        ReferenceEngine policy = TestEngines.noisy(DPO_CONFIG, 1, 0.2);
        DpoTrainer trainer = dpoTrainer(policy);
        trainer.step(); // ω no longer ½ everywhere: the tertiles differ
        assertAgreement(policy, trainer, DPO_TARGETS);
    }

    @Test
    void ppoByLinearityAgreesWithEveryComponentOnEveryKey() {
        ReferenceEngine policy = TestEngines.noisy(PPO_CONFIG, 1, 0.2);
        PpoTrainer trainer = ppoTrainer(policy);
        trainer.step();
        assertAgreement(policy, trainer, PPO_TARGETS);
    }

    /**
     * A batch of 2 pairs has an empty top ω tertile (ranks 0 and 1 of 2 go to bottom and middle): its G and norm are
     * exactly 0 with one pass per component, and must be 0 by linearity too, not the rounding residue of ∇L − ∇L_bottom
     * − ∇L_middle.
     */
    @Test
    void anEmptyTertileIsExactlyZeroByLinearityToo() {
        ReferenceEngine policy = TestEngines.noisy(DPO_CONFIG, 1, 0.2);
        DpoTrainer trainer = DpoTrainer.withReferenceModel(policy, TestEngines.noisy(DPO_CONFIG, 99, 0.2),
                PAIRS.subList(0, 2), DpoSettings.standard(0.5, 10), TrainingSettings.of(2, 1e-3, 7));
        trainer.step();
        Map<String, Double> linear = assertAgreement(policy, trainer, DPO_TARGETS, List.of("total", "positive",
                "negative", "tertile/bottom", "tertile/middle"));
        assertThat(linear.get("G/tertile/top")).isZero();
        assertThat(linear.get("grad_norm/tertile/top")).isZero();
    }

    private static void assertAgreement(PolicyEngine policy, DecomposedObjective trainer,
                                        List<PromptResponse> targets) {
        assertAgreement(policy, trainer, targets, List.of("total", "positive", "negative", "tertile/bottom",
                "tertile/middle", "tertile/top"));
    }

    /**
     * Measures in both modes at the trainer's current step and asserts the same keys and every value within
     * {@link #RELATIVE}; returns the values by linearity.
     *
     * @param nonZero components whose G must not be trivially zero (so that the comparison means something)
     */
    private static Map<String, Double> assertAgreement(PolicyEngine policy, DecomposedObjective trainer,
                                                       List<PromptResponse> targets, List<String> nonZero) {
        double[] target = GradientAlignment.targetGradient(policy, targets,
                GradientAlignment.TargetAverage.PER_SEQUENCE, 2).gradient();
        ComponentSeeds seeds = trainer.componentSeeds(); // D_t's forward is now the engine's latest
        Map<String, Double> every = GradientAlignment.measure(policy, target, seeds,
                GradientAlignment.ComponentPasses.EVERY_COMPONENT);
        Map<String, Double> linear = GradientAlignment.measure(policy, target, seeds,
                GradientAlignment.ComponentPasses.BY_LINEARITY);

        assertThat(linear.keySet()).containsExactlyElementsOf(every.keySet());
        assertThat(every).containsKeys("G/total", "G/tertile/top", "G/cosine/total", "grad_norm/tertile/top");
        for (ParameterLayout.Group group : policy.layout().groups()) {
            assertThat(every).containsKey("G/group/" + group.name() + "/total");
        }
        for (String component : nonZero) {
            assertThat(Math.abs(every.get("G/" + component))).as("G/%s is not trivially zero", component)
                    .isGreaterThan(1e-8);
        }
        double targetNorm = every.get("target/grad_norm");
        double partsNorm = every.get("grad_norm/positive") + every.get("grad_norm/negative")
                + every.get("grad_norm/tertile/bottom") + every.get("grad_norm/tertile/middle");
        for (Map.Entry<String, Double> entry : every.entrySet()) {
            String key = entry.getKey();
            double expected = entry.getValue();
            double actual = linear.get(key);
            boolean formedByLinearity = key.endsWith("/total") || key.endsWith("/tertile/top");
            if (!formedByLinearity) {
                assertThat(actual).as("%s comes from the same backward pass in both modes", key).isEqualTo(expected);
                continue;
            }
            double scale = key.startsWith("grad_norm/") ? partsNorm
                    : key.startsWith("G/cosine/") ? partsNorm / every.get("grad_norm/total")
                    : targetNorm * partsNorm;
            assertThat(Math.abs(actual - expected))
                    .as("%s: by linearity %s, every component %s (scale %s)", key, actual, expected, scale)
                    .isLessThanOrEqualTo(RELATIVE * Math.max(scale, Math.max(Math.abs(actual), Math.abs(expected))));
        }
        return linear;
    }

    @Test
    void byLinearityRunsFourBackwardPassesInsteadOfSix() {
        CountingEngine policy = new CountingEngine(TestEngines.noisy(DPO_CONFIG, 4, 0.2));
        DpoTrainer trainer = dpoTrainer(policy);
        double[] target = GradientAlignment.targetGradient(policy, DPO_TARGETS,
                GradientAlignment.TargetAverage.PER_SEQUENCE, 2).gradient();
        ComponentSeeds seeds = trainer.componentSeeds();

        policy.backwardCalls = 0;
        GradientAlignment.measure(policy, target, seeds, GradientAlignment.ComponentPasses.EVERY_COMPONENT);
        assertThat(policy.backwardCalls).isEqualTo(6);
        policy.backwardCalls = 0;
        GradientAlignment.measure(policy, target, seeds, GradientAlignment.ComponentPasses.BY_LINEARITY);
        assertThat(policy.backwardCalls).isEqualTo(4);
        policy.backwardCalls = 0;
        GradientAlignment.measure(policy, target, seeds);
        assertThat(policy.backwardCalls).as("the default is one pass per component").isEqualTo(6);
    }

    /** DynamicsRun's measurement follows its settings: one target pass (|D′| in one chunk) plus 6 or 4. */
    @Test
    void dynamicsRunMeasuresWithTheSettingsPasses() {
        for (GradientAlignment.ComponentPasses passes : GradientAlignment.ComponentPasses.values()) {
            CountingEngine policy = new CountingEngine(TestEngines.noisy(PPO_CONFIG, 6, 0.2));
            PpoTrainer trainer = ppoTrainer(policy);
            DynamicsRun.Settings settings = new DynamicsRun.Settings(1, 1, List.of(new int[] {3}, new int[] {9, 9}),
                    SamplingSettings.greedy(2), 0, GradientAlignment.TargetAverage.PER_SEQUENCE, 2, passes);
            policy.backwardCalls = 0;
            Map<String, Object> line = DynamicsRun.measure(trainer, PPO_TARGETS, settings, "test");
            int expected = passes == GradientAlignment.ComponentPasses.BY_LINEARITY ? 1 + 4 : 1 + 6;
            assertThat(policy.backwardCalls).as("%s", passes).isEqualTo(expected);
            assertThat(line).containsKeys("G/total", "G/tertile/top", "target/nll");
        }
        DynamicsRun.Settings defaults = new DynamicsRun.Settings(1, 1, List.of(new int[] {3}),
                SamplingSettings.greedy(2), 0, GradientAlignment.TargetAverage.PER_SEQUENCE, 2);
        assertThat(defaults.passes()).isEqualTo(GradientAlignment.ComponentPasses.EVERY_COMPONENT);
    }

    /**
     * The identity BY_LINEARITY relies on, as seeds, for every DPO variant and loss type and every PPO objective:
     * total = positive + negative = bottom + middle + top, entry by entry.
     */
    @Test
    void everyDpoAndPpoDecompositionAddsUpAsSeeds() {
        for (DpoVariant variant : DpoVariant.values()) {
            for (DpoLossType type : DpoLossType.values()) {
                DpoSettings settings = DpoSettings.of(0.5, variant, 10)
                        .withLossType(type, type == DpoLossType.CONSERVATIVE ? 0.1 : 0.0);
                DpoTrainer trainer = DpoTrainer.withReferenceModel(TestEngines.noisy(DPO_CONFIG, 8, 0.2),
                        TestEngines.noisy(DPO_CONFIG, 99, 0.2), PAIRS, settings, TrainingSettings.of(6, 1e-3, 7));
                trainer.componentSeeds().requireComponentsSumToTotal();
            }
        }
        for (PpoObjective objective : List.of(PpoObjective.standard(), PpoObjective.positiveOnly(),
                PpoObjective.negativeOnly(), PpoObjective.unweighted(), PpoObjective.singleTertile(Tertile.TOP))) {
            PpoConfig config = PpoConfig.builder().batchSize(6).numMiniBatches(2).responseLength(3)
                    .objective(objective).seed(3).build();
            PpoTrainer trainer = new PpoTrainer(TestEngines.noisy(PPO_CONFIG, 9, 0.2),
                    TestEngines.noisy(PPO_CONFIG, 5, 0.1), TestEngines.noisy(PPO_CONFIG.withValueHead(true), 101, 0.1),
                    TOKEN_SUM, PPO_PROMPTS, config);
            trainer.componentSeeds().requireComponentsSumToTotal();
        }
    }

    /** Seeds whose total holds a term no part holds (here a value-loss seed) cannot be measured by linearity. */
    @Test
    void seedsThatDoNotAddUpAreRefusedByLinearity() {
        double[][] tokens = {{0, 0.5, -0.25}};
        double[][] zeros = {{0, 0, 0}};
        double[][] valueOnlyInTotal = {{0, 0.1, 0}};
        BackwardSeeds total = new BackwardSeeds(tokens, valueOnlyInTotal, null);
        BackwardSeeds positive = BackwardSeeds.ofTokenLogProbs(new double[][] {{0, 0.5, 0}});
        BackwardSeeds negative = BackwardSeeds.ofTokenLogProbs(new double[][] {{0, 0, -0.25}});
        BackwardSeeds[] tertiles = {BackwardSeeds.ofTokenLogProbs(zeros), positive, negative};
        ComponentSeeds broken = new ComponentSeeds(total, positive, negative, tertiles, Map.of());
        assertThatThrownBy(broken::requireComponentsSumToTotal).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("value seeds").hasMessageContaining("position 1");

        ComponentSeeds sound = new ComponentSeeds(BackwardSeeds.ofTokenLogProbs(tokens), positive, negative, tertiles,
                Map.of());
        sound.requireComponentsSumToTotal();
        ComponentSeeds wrongTertiles = new ComponentSeeds(BackwardSeeds.ofTokenLogProbs(tokens), positive, negative,
                new BackwardSeeds[] {positive, positive, negative}, Map.of());
        assertThatThrownBy(wrongTertiles::requireComponentsSumToTotal).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bottom + middle + top");

        ReferenceEngine policy = TestEngines.noisy(DPO_CONFIG, 7, 0.2);
        assertThatThrownBy(() -> GradientAlignment.measure(policy, new double[policy.layout().size()], broken,
                GradientAlignment.ComponentPasses.BY_LINEARITY)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Delegates to an engine and counts backward passes. */
    private static final class CountingEngine extends ForwardingEngine {

        int backwardCalls;

        CountingEngine(PolicyEngine engine) {
            super(engine);
        }

        @Override
        public void backward(BackwardSeeds seeds) {
            backwardCalls++;
            super.backward(seeds);
        }
    }
}
