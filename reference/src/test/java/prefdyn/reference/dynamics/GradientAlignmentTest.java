package prefdyn.reference.dynamics;

import org.junit.jupiter.api.Test;
import prefdyn.reference.TestEngines;
import prefdyn.reference.data.PromptResponse;
import prefdyn.reference.dpo.DpoSettings;
import prefdyn.reference.dpo.DpoTrainer;
import prefdyn.reference.dpo.PreferenceExample;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.GptModel;
import prefdyn.reference.model.ParameterLayout;
import prefdyn.reference.train.TrainingSettings;
import prefdyn.reference.util.Parallel;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class GradientAlignmentTest {

    private static final GptConfig CONFIG = new GptConfig(11, 10, 2, 2, 8, false, false);

    private static final List<PreferenceExample> PAIRS = List.of(
            new PreferenceExample(new int[] {1, 2}, new int[] {3, 4}, new int[] {5}),
            new PreferenceExample(new int[] {6}, new int[] {7, 8, 9}, new int[] {10, 0}),
            new PreferenceExample(new int[] {2, 2, 2}, new int[] {1}, new int[] {9, 9}),
            new PreferenceExample(new int[] {4}, new int[] {4, 4}, new int[] {3, 1, 2}));

    private static final List<PromptResponse> TARGETS = List.of(
            new PromptResponse(new int[] {1, 2}, new int[] {3, 4, 4}),
            new PromptResponse(new int[] {6}, new int[] {7, 1}));

    private static DpoTrainer trainer(ReferenceEngine policy) {
        return DpoTrainer.withReferenceModel(policy, TestEngines.noisy(CONFIG, 99, 0.2), PAIRS,
                DpoSettings.standard(0.5, 10), TrainingSettings.of(4, 1e-3, 7));
    }

    /** G(total) = G(positive) + G(negative) = Σ tertiles = Σ parameter groups, to 1e-10 relative. */
    @Test
    void gIsLinearInItsComponentsAndGroups() {
        ReferenceEngine policy = TestEngines.noisy(CONFIG, 1, 0.2);
        DpoTrainer trainer = trainer(policy);
        double[] target = GradientAlignment.targetGradient(policy, TARGETS,
                GradientAlignment.TargetAverage.PER_SEQUENCE, 1).gradient();

        Map<String, Double> g = GradientAlignment.measure(policy, target, trainer.componentSeeds());

        double total = g.get("G/total");
        double scale = Math.max(Math.abs(g.get("G/positive")), Math.abs(g.get("G/negative")));
        assertThat(scale).as("non-trivial components").isGreaterThan(1e-6);
        assertThat(g.get("G/positive") + g.get("G/negative")).isCloseTo(total, within(1e-10 * scale));
        double tertiles = g.get("G/tertile/bottom") + g.get("G/tertile/middle") + g.get("G/tertile/top");
        assertThat(tertiles).isCloseTo(total, within(1e-10 * scale));
        double groups = 0;
        for (ParameterLayout.Group group : policy.layout().groups()) {
            groups += g.get("G/group/" + group.name() + "/total");
        }
        assertThat(groups).isCloseTo(total, within(1e-10 * scale));
    }

    /**
     * G against a finite difference: NLL_{D′}(θ − ε∇L) − NLL_{D′}(θ) ≈ −ε·G, with a central form
     * [NLL(θ − ε∇L) − NLL(θ + ε∇L)] / 2ε = G + O(ε²).
     */
    @Test
    void gIsTheFirstOrderChangeOfTheFinalResponsesNll() {
        ReferenceEngine policy = TestEngines.noisy(CONFIG, 2, 0.2);
        DpoTrainer trainer = trainer(policy);
        double[] theta = new double[policy.layout().size()];
        policy.copyParametersTo(theta);
        double[] target = GradientAlignment.targetGradient(policy, TARGETS,
                GradientAlignment.TargetAverage.PER_SEQUENCE, 2).gradient();
        ComponentSeeds seeds = trainer.componentSeeds();
        double g = GradientAlignment.measure(policy, target, seeds).get("G/total");
        // ∇L itself
        ComponentSeeds again = trainer.componentSeeds(); // the forward of D_t must be the latest before backward
        policy.zeroGradients();
        policy.backward(again.total());
        double[] lossGradient = new double[theta.length];
        policy.copyGradientsTo(lossGradient);

        double epsilon = 1e-4;
        double down = nllAt(policy, theta, lossGradient, -epsilon);
        double up = nllAt(policy, theta, lossGradient, epsilon);
        double numeric = (down - up) / (2 * epsilon);

        assertThat(Math.abs(g)).isGreaterThan(1e-6);
        assertThat(numeric).isCloseTo(g, within(1e-6 * Math.max(1, Math.abs(g))));
    }

    /** Per-token averaging divides by the number of D′ tokens instead of sequences: a known ratio. */
    @Test
    void perTokenAverageScalesThePerSequenceTarget() {
        ReferenceEngine policy = TestEngines.noisy(CONFIG, 3, 0.2);
        GradientAlignment.Target perSequence = GradientAlignment.targetGradient(policy, TARGETS,
                GradientAlignment.TargetAverage.PER_SEQUENCE, 2);
        GradientAlignment.Target perToken = GradientAlignment.targetGradient(policy, TARGETS,
                GradientAlignment.TargetAverage.PER_TOKEN, 2);
        double ratio = 2.0 / 5.0; // 2 sequences, 5 response tokens
        assertThat(perToken.nll()).isCloseTo(perSequence.nll() * ratio, within(1e-12));
        for (int i = 0; i < perToken.gradient().length; i += 37) {
            assertThat(perToken.gradient()[i]).isCloseTo(perSequence.gradient()[i] * ratio, within(1e-14));
        }
    }

    private static double nllAt(ReferenceEngine policy, double[] theta, double[] direction, double epsilon) {
        double[] moved = theta.clone();
        for (int i = 0; i < moved.length; i++) {
            moved[i] -= epsilon * direction[i];
        }
        ReferenceEngine probe = new ReferenceEngine(new GptModel(CONFIG, Parallel.sequential()));
        probe.setParameters(moved);
        return GradientAlignment.targetGradient(probe, TARGETS, GradientAlignment.TargetAverage.PER_SEQUENCE, 2).nll();
    }
}
