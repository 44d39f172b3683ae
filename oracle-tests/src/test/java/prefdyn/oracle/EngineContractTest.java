package prefdyn.oracle;

import net.jqwik.api.Example;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import prefdyn.accelerated.AcceleratedEngine;
import prefdyn.reference.engine.BackwardSeeds;
import prefdyn.reference.engine.ForwardResult;
import prefdyn.reference.engine.PolicyEngine;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.fixtures.RandomBatches;
import prefdyn.reference.fixtures.RandomParameters;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.NonFiniteValueException;
import prefdyn.reference.optim.AdamWSettings;

import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The twin keeps the {@code PolicyEngine} contract the way the reference engine does: the same exceptions with the
 * same messages, backward that differentiates the latest forward even after a sampling call, and results that
 * are bit-identical from run to run.
 */
@AddLifecycleHook(RequiresOpenCl.class)
class EngineContractTest {

    private static final GptConfig CONFIG = new GptConfig(9, 8, 1, 2, 4, true, false);

    private static TokenBatch batch() {
        return new TokenBatch(new int[][] {{1, 2, 3, 0}, {4, 5, 0, 0}}, new int[] {3, 2},
                new boolean[][] {{false, true, true, false}, {false, true, false, false}});
    }

    /** Runs {@code action} on both engines and expects the same exception type and message. */
    private static void sameFailure(double[] params, Function<PolicyEngine, ThrowingCallable> action) {
        Throwable expected = catchThrowable(action.apply(Fixtures.referenceEngine(CONFIG, params)));
        try (AcceleratedEngine twin = Fixtures.twinEngine(CONFIG, params)) {
            Throwable actual = catchThrowable(action.apply(twin));
            assertThat(expected).as("the reference throws").isNotNull();
            assertThat(actual).as("the twin throws like the reference").isNotNull()
                    .isExactlyInstanceOf(expected.getClass()).hasMessage(expected.getMessage());
            if (expected instanceof NonFiniteValueException nonFinite) {
                assertThat(((NonFiniteValueException) actual).sequence()).isEqualTo(nonFinite.sequence());
            }
            assertThat(twin.kernelsRunOnOpenCl()).as("%s", twin.kernelExecutions()).isTrue();
        }
    }

    /** A NaN weight (here in the value head, read at every position) is reported where it first shows. */
    @Example
    void aNonFiniteOutputIsReportedWithItsSequenceAndPosition() {
        double[] params = RandomParameters.initializedWithNoise(CONFIG, 1, 0.1);
        params[params.length - 2] = Double.NaN; // last element of v_head.summary.weight
        sameFailure(params, engine -> () -> engine.forward(batch()));
        double[] wte = RandomParameters.initializedWithNoise(CONFIG, 1, 0.1);
        wte[0] = Double.NaN; // the tied LM head reads wte for every prediction
        sameFailure(wte, engine -> () -> engine.forward(batch()));
        sameFailure(wte, engine -> () -> engine.nextTokenLogProbs(batch()));
    }

    @Example
    void invalidInputsAndSeedsAreRefusedWithTheReferenceMessages() {
        double[] params = RandomParameters.initializedWithNoise(CONFIG, 2, 0.1);
        TokenBatch batch = batch();
        sameFailure(params, engine -> () -> engine.backward(BackwardSeeds.ofTokenLogProbs(new double[2][4])));
        sameFailure(params, engine -> () -> engine.forward(new TokenBatch(new int[][] {{1, 9}}, new int[] {2},
                new boolean[][] {{false, true}})));
        sameFailure(params, engine -> () -> engine.forward(new TokenBatch(new int[1][9], new int[] {9},
                new boolean[1][9])));
        double[][] onPadding = new double[2][4];
        onPadding[1][3] = 1.0;
        sameFailure(params, engine -> () -> {
            engine.forward(batch);
            engine.backward(BackwardSeeds.ofTokenLogProbs(onPadding));
        });
        double[][] atPositionZero = new double[2][4];
        atPositionZero[0][0] = 1.0;
        sameFailure(params, engine -> () -> {
            engine.forward(batch);
            engine.backward(BackwardSeeds.ofTokenLogProbs(atPositionZero));
        });
        double[][] infinite = new double[2][4];
        infinite[0][2] = Double.POSITIVE_INFINITY;
        sameFailure(params, engine -> () -> {
            engine.forward(batch);
            engine.backward(BackwardSeeds.ofTokenLogProbs(infinite));
        });
        sameFailure(params, engine -> () -> {
            engine.forward(batch);
            engine.backward(new BackwardSeeds(null, null, new double[2][4]));
        });
        sameFailure(params, engine -> () -> engine.setParameters(new double[3]));
        sameFailure(params, engine -> () -> engine.clipGradientNorm(0.0));
        sameFailure(params, engine -> () -> engine.adamWStep(AdamWSettings.defaults(), Double.NaN));
    }

    /** Same inputs, same bits: no atomics, and every sum in a fixed order. */
    @Example
    void repeatedRunsAreBitIdentical() {
        double[] params = RandomParameters.initializedWithNoise(CONFIG, 3, 0.3);
        TokenBatch batch = batch();
        BackwardSeeds seeds = RandomBatches.seeds(new Random(3), batch, CONFIG);
        double[][] first = runOnce(params, batch, seeds);
        double[][] second = runOnce(params, batch, seeds);
        for (int k = 0; k < first.length; k++) {
            assertThat(Arrays.equals(first[k], second[k])).as("output %d bit-identical", k).isTrue();
        }
    }

    private static double[][] runOnce(double[] params, TokenBatch batch, BackwardSeeds seeds) {
        try (AcceleratedEngine twin = Fixtures.twinEngine(CONFIG, params)) {
            ForwardResult result = twin.forward(batch);
            twin.zeroGradients();
            twin.backward(seeds);
            double[] gradient = new double[twin.layout().size()];
            twin.copyGradientsTo(gradient);
            twin.clipGradientNorm(0.5);
            twin.adamWStep(AdamWSettings.defaults(), 1e-2);
            double[] updated = new double[gradient.length];
            twin.copyParametersTo(updated);
            assertThat(twin.kernelsRunOnOpenCl()).as("%s", twin.kernelExecutions()).isTrue();
            return new double[][] {Differences.flatten(result.tokenLogProbs()), Differences.flatten(result.values()),
                    gradient, updated};
        }
    }

    /** A sampling call between forward and backward leaves what backward differentiates as it was. */
    @Example
    void nextTokenLogProbsDoesNotDisturbTheBackwardOfTheLatestForward() {
        double[] params = RandomParameters.initializedWithNoise(CONFIG, 4, 0.3);
        TokenBatch batch = batch();
        BackwardSeeds seeds = RandomBatches.seeds(new Random(4), batch, CONFIG);
        TokenBatch longer = new TokenBatch(new int[][] {{1, 2, 3, 4, 5, 6, 7, 8}, {8, 7, 6, 5, 4, 3, 2, 1},
                {1, 1, 1, 1, 1, 1, 1, 1}}, new int[] {8, 8, 8}, new boolean[3][8]);
        try (AcceleratedEngine twin = Fixtures.twinEngine(CONFIG, params)) {
            twin.forward(batch);
            twin.zeroGradients();
            twin.backward(seeds);
            double[] undisturbed = new double[twin.layout().size()];
            twin.copyGradientsTo(undisturbed);

            twin.forward(batch);
            twin.nextTokenLogProbs(longer); // a larger batch: the activation arena grows, keeping the forward's
            twin.zeroGradients();
            twin.backward(seeds);
            double[] afterSampling = new double[undisturbed.length];
            twin.copyGradientsTo(afterSampling);
            assertThat(afterSampling).containsExactly(undisturbed);
            assertThat(twin.kernelsRunOnOpenCl()).as("%s", twin.kernelExecutions()).isTrue();
        }
    }

    /** Parameters and gradients cross as float32: a round trip rounds each value once. */
    @Example
    void parametersAndGradientsRoundTripThroughFloat() {
        double[] params = RandomParameters.initializedWithNoise(CONFIG, 5, 0.3);
        try (AcceleratedEngine twin = Fixtures.twinEngine(CONFIG, params)) {
            double[] back = new double[params.length];
            twin.copyParametersTo(back);
            double[] gradients = RandomParameters.initializedWithNoise(CONFIG, 6, 1.0);
            twin.setGradients(gradients);
            double[] gradientsBack = new double[params.length];
            twin.copyGradientsTo(gradientsBack);
            for (int i = 0; i < params.length; i++) {
                assertThat(back[i]).isEqualTo((double) (float) params[i]);
                assertThat(gradientsBack[i]).isEqualTo((double) (float) gradients[i]);
            }
            twin.zeroGradients();
            twin.copyGradientsTo(gradientsBack);
            assertThat(gradientsBack).containsOnly(0.0);
            assertThat(twin.optimizerSteps()).isZero();
            twin.adamWStep(AdamWSettings.defaults(), 1e-3);
            assertThat(twin.optimizerSteps()).isOne();
            assertThat(twin.kernelsRunOnOpenCl()).as("%s", twin.kernelExecutions()).isTrue();
        }
    }

    @Example
    void aClosedEngineRefusesWork() {
        AcceleratedEngine twin = Fixtures.twinEngine(CONFIG, RandomParameters.initializedWithNoise(CONFIG, 7, 0.1));
        assertThat(twin.kernelsRunOnOpenCl()).as("%s", twin.kernelExecutions()).isTrue();
        twin.close();
        assertThat(catchThrowable(() -> twin.forward(batch()))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    /** The reference's own behaviour for the same checks, so a change there shows up here. */
    @Example
    void theReferenceAgreesThatBackwardNeedsAForward() {
        ReferenceEngine reference = Fixtures.referenceEngine(CONFIG, RandomParameters.initializedWithNoise(CONFIG, 8, 0.1));
        assertThat(catchThrowable(() -> reference.backward(BackwardSeeds.ofTokenLogProbs(new double[1][1]))))
                .isInstanceOf(IllegalStateException.class);
    }
}
