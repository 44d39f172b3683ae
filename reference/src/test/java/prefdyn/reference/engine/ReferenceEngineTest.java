package prefdyn.reference.engine;

import org.junit.jupiter.api.Test;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.NonFiniteValueException;
import prefdyn.reference.optim.AdamWSettings;
import prefdyn.reference.tokenizer.ByteTokenizer;
import prefdyn.reference.util.Parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReferenceEngineTest {

    private static final GptConfig TINY = new GptConfig(ByteTokenizer.VOCAB_SIZE, 32, 1, 2, 16, true, false);

    /** "prompt" = first byte, "response" = the rest of the text. */
    private static TokenBatch batchOf(String text) {
        int[] ids = ByteTokenizer.encode(text);
        boolean[] mask = new boolean[ids.length];
        for (int t = 1; t < ids.length; t++) {
            mask[t] = true;
        }
        return new TokenBatch(new int[][] {ids}, new int[] {ids.length}, new boolean[][] {mask});
    }

    /**
     * minGPT-style exact success criterion: AdamW on the NLL of one fixed sentence must memorise it, i.e. drive
     * the mean response-token NLL from about ln 257 ≈ 5.55 to below 0.1 within 150 steps.
     */
    @Test
    void memorisesOneSentenceBySupervisedSteps() {
        ReferenceEngine engine = ReferenceEngine.initialized(TINY, 42, Parallel.sequential());
        TokenBatch batch = batchOf("the movie was great");
        int responseTokens = batch.responseTokenCount(0);
        double firstNll = Double.NaN;
        double lastNll = Double.NaN;
        for (int step = 0; step < 150; step++) {
            ForwardResult result = engine.forward(batch);
            lastNll = -result.sequenceLogProbs()[0] / responseTokens;
            if (step == 0) {
                firstNll = lastNll;
            }
            double[][] seeds = new double[1][batch.width()];
            for (int t = 0; t < batch.width(); t++) {
                seeds[0][t] = batch.responseMask()[0][t] ? -1.0 / responseTokens : 0.0; // L = −lp/n
            }
            engine.zeroGradients();
            engine.backward(BackwardSeeds.ofTokenLogProbs(seeds));
            engine.clipGradientNorm(1.0);
            engine.adamWStep(AdamWSettings.defaults(), 1e-2);
        }
        assertThat(firstNll).isBetween(5.0, 6.0);
        assertThat(lastNll).isLessThan(0.1);
        assertThat(engine.optimizerSteps()).isEqualTo(150);
    }

    /**
     * The LM head is tied to wte, so a poisoned token row would reach every sequence; a poisoned position row
     * of wpe reaches only sequences long enough to use it. Position row 2 feeds the prediction of position 3,
     * which only the second (longer) sequence has.
     */
    @Test
    void reportsTheSequenceAndPositionOfTheFirstNonFiniteLogProb() {
        TokenBatch batch = new TokenBatch(new int[][] {{10, 11, 12, 0}, {10, 11, 12, 13}}, new int[] {3, 4},
                new boolean[][] {{false, true, true, false}, {false, true, true, true}});

        ReferenceEngine withoutValueHead = poisonedAtPositionRow2(TINY.withValueHead(false));
        assertThatThrownBy(() -> withoutValueHead.forward(batch))
                .isInstanceOf(NonFiniteValueException.class)
                .hasMessageContaining("log-prob")
                .hasMessageContaining("sequence 1")
                .hasMessageContaining("position 3")
                .satisfies(e -> assertThat(((NonFiniteValueException) e).sequence()).isEqualTo(1));

        // With a value head, the value read at position 2 of the first sequence is already NaN.
        ReferenceEngine withValueHead = poisonedAtPositionRow2(TINY);
        assertThatThrownBy(() -> withValueHead.forward(batch))
                .isInstanceOf(NonFiniteValueException.class)
                .hasMessageContaining("non-finite value")
                .hasMessageContaining("sequence 0 at position 2");
    }

    private static ReferenceEngine poisonedAtPositionRow2(GptConfig config) {
        ReferenceEngine engine = ReferenceEngine.initialized(config, 1, Parallel.sequential());
        double[] params = new double[engine.layout().size()];
        engine.copyParametersTo(params);
        params[engine.layout().offset("wpe.weight") + 2 * config.channels()] = Double.NaN;
        engine.setParameters(params);
        return engine;
    }

    @Test
    void rejectsSeedsWhereTheModelHasNoOutput() {
        ReferenceEngine engine = ReferenceEngine.initialized(TINY, 1, Parallel.sequential());
        TokenBatch batch = new TokenBatch(new int[][] {{1, 2, 3, 0}}, new int[] {3},
                new boolean[][] {{false, true, true, false}});
        engine.forward(batch);

        assertThatThrownBy(() -> engine.backward(BackwardSeeds.ofTokenLogProbs(new double[][] {{0, 1, 1, 0.5}})))
                .hasMessageContaining("position 3").hasMessageContaining("padding");
        assertThatThrownBy(() -> engine.backward(BackwardSeeds.ofTokenLogProbs(new double[][] {{1, 0, 0, 0}})))
                .hasMessageContaining("position 0");
        assertThatThrownBy(() -> engine.backward(new BackwardSeeds(null, null, new double[][] {{0, 1, 0, 0}})))
                .hasMessageContaining("no reward head");
    }

    /** The next-token row of "ab" must give exactly the log-prob that a forward of "abc" assigns to 'c'. */
    @Test
    void nextTokenLogProbsAgreeWithTheForwardPassAndLeaveBackwardAlone() {
        ReferenceEngine engine = ReferenceEngine.initialized(TINY, 3, Parallel.sequential());
        TokenBatch abc = new TokenBatch(new int[][] {{'a', 'b', 'c'}}, new int[] {3},
                new boolean[][] {{false, true, true}});
        TokenBatch abPadded = new TokenBatch(new int[][] {{'a', 'b', 0}}, new int[] {2},
                new boolean[][] {{false, true, false}});
        double logProbOfC = engine.forward(abc).tokenLogProbs()[0][2];

        double[][] next = engine.nextTokenLogProbs(abPadded);

        assertThat(next[0][ 'c']).isEqualTo(logProbOfC);
        double total = 0;
        for (double logProb : next[0]) {
            total += Math.exp(logProb);
        }
        assertThat(total).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-12));
        // backward still differentiates the forward of "abc" (width 3), not the sampling call
        engine.backward(BackwardSeeds.ofTokenLogProbs(new double[][] {{0, 0, 1}}));
        double[] gradient = new double[engine.layout().size()];
        engine.copyGradientsTo(gradient);
        assertThat(prefdyn.reference.optim.GradientClipping.globalNorm(gradient)).isPositive();
    }

    @Test
    void backwardWithoutForwardIsAnError() {
        ReferenceEngine engine = ReferenceEngine.initialized(TINY, 1, Parallel.sequential());
        assertThatThrownBy(() -> engine.backward(BackwardSeeds.ofTokenLogProbs(new double[][] {{0}})))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void tokenBatchValidationNamesTheSequenceAndPosition() {
        assertThatThrownBy(() -> new TokenBatch(new int[][] {{1, 2}}, new int[] {2}, new boolean[][] {{true, true}}))
                .hasMessageContaining("sequence 0").hasMessageContaining("position 0");
        assertThatThrownBy(() -> new TokenBatch(new int[][] {{1, 2}, {1}}, new int[] {2, 1},
                new boolean[][] {{false, true}, {false}}))
                .hasMessageContaining("sequence 1").hasMessageContaining("width");
        assertThatThrownBy(() -> new TokenBatch(new int[][] {{1, 2}}, new int[] {3}, new boolean[][] {{false, true}}))
                .hasMessageContaining("length 3");
        ReferenceEngine engine = ReferenceEngine.initialized(TINY, 1, Parallel.sequential());
        assertThatThrownBy(() -> engine.forward(new TokenBatch(new int[][] {{1, 400}}, new int[] {2},
                new boolean[][] {{false, true}}))).hasMessageContaining("token id 400");
    }
}
