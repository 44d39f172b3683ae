package prefdyn.reference.dpo;

import org.junit.jupiter.api.Test;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.tokenizer.ByteTokenizer;
import prefdyn.reference.train.TrainingSettings;
import prefdyn.reference.util.Parallel;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CoordinationControllerTest {

    private static final GptConfig CONFIG = new GptConfig(ByteTokenizer.VOCAB_SIZE, 8, 1, 2, 16, false, false);
    private static final List<PreferenceExample> PAIRS = List.of(
            new PreferenceExample(ByteTokenizer.encode("q"), ByteTokenizer.encode("y"), ByteTokenizer.encode("n")),
            new PreferenceExample(ByteTokenizer.encode("a"), ByteTokenizer.encode("ok"), ByteTokenizer.encode("no")));

    /**
     * Known answer: alignment (1, −1) gives shares (½, −½); with κ = 2 (set explicitly) the softmax split is
     * 2e/(e + e⁻¹) = 1.7616 → clipped to 1.75, and 0.2384 → clipped to 0.25; smoothing ½ from (1, 1) gives
     * (1.375, 0.625).
     */
    @Test
    void updateRuleKnownAnswer() {
        CoordinationController controller = new CoordinationController(new CoordinationController.Settings(
                List.of(ByteTokenizer.encode("q")), 10, 16, 2.0, 0.5, 0.25, 1.75));
        double[] lambda = controller.update(new double[] {1.0, -1.0});
        assertThat(lambda[0]).isCloseTo(1.375, within(1e-15));
        assertThat(lambda[1]).isCloseTo(0.625, within(1e-15));
        double[] unchanged = controller.update(new double[] {0.0, 0.0});
        assertThat(unchanged).containsExactly(lambda);
    }

    /**
     * With gain κ = 0 the controller keeps λ± = 1, so coordinated DPO is standard DPO bit for bit — standard DPO with
     * its gradient as the two passes g⁺ + g⁻ ({@code componentNorms}), which coordinated DPO always runs.
     */
    @Test
    void zeroGainIsStandardDpo() {
        double[] standard = train(DpoVariant.STANDARD, 0.0, 12, true);
        double[] coordinated = train(DpoVariant.COORDINATED, 0.0, 12, false);
        assertThat(coordinated).containsExactly(standard);
        assertThat(train(DpoVariant.STANDARD, 0.0, 12, false)).as("one backward pass differs in the last bits")
                .isNotEqualTo(standard);
    }

    /** With the default (exploring) gain κ = −2, coordinated DPO learns the toy preference like DPO does. */
    @Test
    void coordinatedDpoWithTheDefaultGainLearnsTheToyPreference() {
        assertThat(toyProbabilityOfY(CoordinationController.Settings.DEFAULT_GAIN)).isGreaterThan(0.5);
    }

    /**
     * A measured failure mode, kept as a regression fact: with κ = +2 the controller favours the component that
     * reinforces the current greedy answer, which after "q" is not "y" at the start; negative learning gets the
     * weight, the margin grows by pushing "n" down, and π(y | q) collapses instead of rising.
     */
    @Test
    void consolidatingGainLocksInTheInitialModeOnTheToyTask() {
        assertThat(toyProbabilityOfY(2.0)).isLessThan(1e-3);
    }

    private static double toyProbabilityOfY(double gain) {
        ReferenceEngine policy = ReferenceEngine.initialized(CONFIG, 21, Parallel.sequential());
        DpoTrainer trainer = DpoTrainer.withReferenceModel(policy, ReferenceEngine.initialized(CONFIG, 21,
                        Parallel.sequential()), PAIRS.subList(0, 1), DpoSettings.of(0.1, DpoVariant.COORDINATED, 150),
                TrainingSettings.of(1, 1e-2, 1)).coordinatedBy(new CoordinationController(
                new CoordinationController.Settings(List.of(ByteTokenizer.encode("q")), 10, 16, gain, 0.5, 0.25, 1.75)));
        for (int step = 0; step < 150; step++) {
            trainer.step();
        }
        prefdyn.reference.engine.TokenBatch prompt = new prefdyn.reference.engine.TokenBatch(
                new int[][] {ByteTokenizer.encode("q")}, new int[] {1}, new boolean[][] {{false}});
        return Math.exp(policy.nextTokenLogProbs(prompt)[0]['y']);
    }

    @Test
    void theVariantAndTheControllerGoTogether() {
        ReferenceEngine policy = ReferenceEngine.initialized(CONFIG, 1, Parallel.sequential());
        ReferenceEngine reference = ReferenceEngine.initialized(CONFIG, 1, Parallel.sequential());
        DpoTrainer coordinated = DpoTrainer.withReferenceModel(policy, reference, PAIRS,
                DpoSettings.of(0.1, DpoVariant.COORDINATED, 5), TrainingSettings.of(2, 1e-3, 1));
        assertThatThrownBy(coordinated::step).hasMessageContaining("CoordinationController");
        DpoTrainer standard = DpoTrainer.withReferenceModel(policy, reference, PAIRS, DpoSettings.standard(0.1, 5),
                TrainingSettings.of(2, 1e-3, 1));
        CoordinationController controller = new CoordinationController(
                CoordinationController.Settings.defaults(List.of(ByteTokenizer.encode("q"))));
        assertThatThrownBy(() -> standard.coordinatedBy(controller)).hasMessageContaining("COORDINATED");
    }

    private static double[] train(DpoVariant variant, double gain, int steps) {
        return train(variant, gain, steps, false);
    }

    private static double[] train(DpoVariant variant, double gain, int steps, boolean componentNorms) {
        ReferenceEngine policy = ReferenceEngine.initialized(CONFIG, 3, Parallel.sequential());
        DpoTrainer trainer = DpoTrainer.withReferenceModel(policy, ReferenceEngine.initialized(CONFIG, 3,
                Parallel.sequential()), PAIRS, DpoSettings.of(0.1, variant, steps),
                TrainingSettings.of(2, 1e-2, 1).withComponentNorms(componentNorms));
        if (variant == DpoVariant.COORDINATED) {
            trainer.coordinatedBy(new CoordinationController(new CoordinationController.Settings(
                    List.of(ByteTokenizer.encode("q")), 3, 4, gain, 0.5, 0.25, 1.75)));
        }
        for (int step = 0; step < steps; step++) {
            trainer.step();
        }
        double[] params = new double[policy.layout().size()];
        policy.copyParametersTo(params);
        return params;
    }
}
