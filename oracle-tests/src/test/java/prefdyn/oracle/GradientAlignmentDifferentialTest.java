package prefdyn.oracle;

import net.jqwik.api.Example;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import prefdyn.accelerated.AcceleratedEngine;
import prefdyn.accelerated.check.Comparison;
import prefdyn.accelerated.kernels.Tolerance;
import prefdyn.accelerated.check.Tolerances;
import prefdyn.reference.data.PromptResponse;
import prefdyn.reference.dpo.DpoSettings;
import prefdyn.reference.dpo.DpoTrainer;
import prefdyn.reference.dpo.PreferenceExample;
import prefdyn.reference.dynamics.GradientAlignment;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.fixtures.RandomParameters;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.ParameterLayout;
import prefdyn.reference.train.TrainingSettings;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * G(L; θ) = g′ᵀ∇L and every component of it ({@code GradientAlignment}, unchanged) measured with the reference
 * engine and with the twin at the same θ on the same DPO batch: the target gradient g′ and its NLL, G of the total,
 * positive, negative and tertile parts, per parameter group, cosines and norms. Also the twin's own dot product on
 * the device, which G is made of. The twin is checked in both ways of computing the component gradients
 * ({@code GradientAlignment.ComponentPasses}).
 */
@AddLifecycleHook(RequiresOpenCl.class)
class GradientAlignmentDifferentialTest {

    private static final GptConfig CONFIG = new GptConfig(11, 10, 2, 2, 8, false, false);

    @Example
    void gAndItsComponentsMatchTheReference() {
        compareWithTheReference(GradientAlignment.ComponentPasses.EVERY_COMPONENT);
    }

    /**
     * The twin measuring G by linearity (4 backward passes; ∇L and the top tertile formed on the host from float32
     * gradients) against the reference's 6 passes in float64, within the same tolerances.
     */
    @Example
    void gByLinearityOnTheTwinMatchesTheReference() {
        compareWithTheReference(GradientAlignment.ComponentPasses.BY_LINEARITY);
    }

    /** The reference measures with one backward pass per component; the twin measures as {@code twinPasses} says. */
    private static void compareWithTheReference(GradientAlignment.ComponentPasses twinPasses) {
        Random random = new Random(6008);
        List<PreferenceExample> pairs = Fixtures.randomPairs(random, 6, CONFIG.vocabSize(), CONFIG.contextLength());
        List<PromptResponse> targets = Fixtures.randomSequences(random, 3, CONFIG.vocabSize(), CONFIG.contextLength());
        double[] policyParams = RandomParameters.initializedWithNoise(CONFIG, 6008, 0.2);
        double[] referenceParams = RandomParameters.initializedWithNoise(CONFIG, 6009, 0.2);
        DpoSettings dpo = DpoSettings.standard(0.5, 10);
        TrainingSettings training = TrainingSettings.of(6, 1e-3, 7);

        ReferenceEngine reference = Fixtures.referenceEngine(CONFIG, policyParams);
        DpoTrainer referenceTrainer = DpoTrainer.withReferenceModel(reference,
                Fixtures.referenceEngine(CONFIG, referenceParams), pairs, dpo, training);
        try (AcceleratedEngine twin = Fixtures.twinEngine(CONFIG, policyParams);
             AcceleratedEngine twinReferenceModel = Fixtures.twinEngine(CONFIG, referenceParams)) {
            DpoTrainer twinTrainer = DpoTrainer.withReferenceModel(twin, twinReferenceModel, pairs, dpo, training);

            GradientAlignment.Target referenceTarget = GradientAlignment.targetGradient(reference, targets,
                    GradientAlignment.TargetAverage.PER_SEQUENCE, 2);
            GradientAlignment.Target twinTarget = GradientAlignment.targetGradient(twin, targets,
                    GradientAlignment.TargetAverage.PER_SEQUENCE, 2);
            Differences.assertClose("G: target NLL", referenceTarget.nll(), twinTarget.nll(),
                    Tolerances.MODEL_SEQUENCE_LOG_PROBS);
            Differences.assertClose("G: target gradient g′", referenceTarget.gradient(), twinTarget.gradient(),
                    Tolerances.MODEL_GRADIENTS);

            Map<String, Double> expected = GradientAlignment.measure(reference, referenceTarget.gradient(),
                    referenceTrainer.componentSeeds());
            Map<String, Double> actual = GradientAlignment.measure(twin, twinTarget.gradient(),
                    twinTrainer.componentSeeds(), twinPasses);
            assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
            // the ledger (target/measured-errors.txt) keeps the two modes apart
            String label = twinPasses == GradientAlignment.ComponentPasses.EVERY_COMPONENT ? "G: "
                    : "G (by linearity): ";
            compareFamily(label + "G/total, positive, negative and tertiles", expected, actual,
                    name -> name.startsWith("G/") && !name.startsWith("G/group/") && !name.startsWith("G/cosine/"),
                    Tolerances.G);
            compareFamily(label + "G per parameter group", expected, actual, name -> name.startsWith("G/group/"),
                    Tolerances.G);
            compareFamily(label + "cosines", expected, actual, name -> name.startsWith("G/cosine/"),
                    Tolerances.G_COSINES);
            compareFamily(label + "gradient norms", expected, actual, name -> name.contains("grad_norm"),
                    Tolerances.G_NORMS);
            assertThat(twin.kernelsRunOnOpenCl()).as("%s", twin.kernelExecutions()).isTrue();
        }
    }

    /** The device dot product g′·g over each parameter group against the reference's float64 sum of the same arrays. */
    @Example
    void theDotProductOnTheDeviceMatchesTheReferenceSumPerParameterGroup() {
        Random random = new Random(6010);
        ParameterLayout layout = new ParameterLayout(CONFIG);
        double[] gradient = KernelCases.noise(random, layout.size());
        double[] target = KernelCases.noise(random, layout.size());
        try (AcceleratedEngine twin = Fixtures.twinEngine(CONFIG, new double[layout.size()])) {
            twin.setGradients(gradient);
            double[] stored = new double[layout.size()];
            twin.copyGradientsTo(stored); // the gradient as the device holds it, rounded to float
            double[] roundedTarget = Differences.toDouble(Differences.toFloat(target));
            for (ParameterLayout.Group group : layout.groups()) {
                double expected = 0;
                double magnitude = 0;
                for (int i = group.start(); i < group.end(); i++) {
                    expected += roundedTarget[i] * stored[i];
                    magnitude += Math.abs(roundedTarget[i] * stored[i]);
                }
                double actual = twin.dotWithGradient(target, group.start(), group.end());
                // The second element carries Σ|g′ᵢgᵢ|, the natural scale of the sum's rounding error, into max|ref|.
                Differences.assertClose("G: dot g′·g on the device, per group", new double[] {expected, magnitude},
                        new double[] {actual, magnitude}, Tolerances.G_DOT_ON_DEVICE);
            }
            assertThat(twin.kernelsRunOnOpenCl()).as("%s", twin.kernelExecutions()).isTrue();
        }
    }

    /** Known answer: the dot product of the gradient with itself is its squared norm, as clipping measures it. */
    @Example
    void theDotProductOfTheGradientWithItselfIsItsSquaredNorm() {
        double[] gradient = new double[new ParameterLayout(CONFIG).size()];
        gradient[0] = 3.0;
        gradient[gradient.length - 1] = 4.0;
        try (AcceleratedEngine twin = Fixtures.twinEngine(CONFIG, new double[gradient.length])) {
            twin.setGradients(gradient);
            assertThat(twin.dotWithGradient(gradient, 0, gradient.length)).isEqualTo(25.0);
            assertThat(twin.clipGradientNorm(100.0)).isEqualTo(5.0);
            assertThat(twin.kernelsRunOnOpenCl()).as("%s", twin.kernelExecutions()).isTrue();
        }
    }

    /**
     * Compares the values whose names pass {@code filter} as one quantity, so the tolerance scales with the largest
     * of them: G of the total can be small where its positive and negative parts cancel.
     */
    static void compareFamily(String quantity, Map<String, Double> expected, Map<String, Double> actual,
                                      Predicate<String> filter, Tolerance tolerance) {
        List<String> names = expected.keySet().stream().filter(filter).toList();
        assertThat(names).as(quantity).isNotEmpty();
        double[] reference = names.stream().mapToDouble(expected::get).toArray();
        double[] twin = names.stream().mapToDouble(actual::get).toArray();
        Differences.check(Comparison.of(quantity, reference, twin, tolerance), "indices name " + names);
    }
}
