package prefdyn.reference.reward;

import org.junit.jupiter.api.Test;
import prefdyn.reference.TestEngines;
import prefdyn.reference.dpo.PairBatch;
import prefdyn.reference.dpo.PreferenceExample;
import prefdyn.reference.engine.ForwardResult;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.train.TrainingSettings;
import prefdyn.reference.util.Parallel;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RewardModelTest {

    private static final GptConfig CONFIG = new GptConfig(11, 8, 1, 2, 4, false, true);

    private static final List<PreferenceExample> PAIRS = List.of(
            new PreferenceExample(new int[] {1, 2}, new int[] {3, 4}, new int[] {5}),
            new PreferenceExample(new int[] {6}, new int[] {7, 8, 9}, new int[] {10, 0}));

    @Test
    void gradientMatchesFiniteDifferencesOfTheBradleyTerryLoss() {
        ReferenceEngine model = TestEngines.noisy(CONFIG, 4, 0.3);
        PairBatch batch = new PairBatch(PAIRS, CONFIG.contextLength());
        RewardModelLoss.Terms terms = RewardModelLoss.compute(batch, model.forward(batch.batch()), 0);
        model.zeroGradients();
        model.backward(terms.seeds());
        double[] analytic = new double[model.layout().size()];
        model.copyGradientsTo(analytic);

        double[] params = new double[analytic.length];
        model.copyParametersTo(params);
        double maxNumeric = 0;
        double maxError = 0;
        double h = 1e-5;
        for (int i = 0; i < params.length; i++) {
            double original = params[i];
            params[i] = original + h;
            model.setParameters(params);
            double plus = RewardModelLoss.compute(batch, model.forward(batch.batch()), 0).loss();
            params[i] = original - h;
            model.setParameters(params);
            double minus = RewardModelLoss.compute(batch, model.forward(batch.batch()), 0).loss();
            params[i] = original;
            double numeric = (plus - minus) / (2 * h);
            maxNumeric = Math.max(maxNumeric, Math.abs(numeric));
            maxError = Math.max(maxError, Math.abs(numeric - analytic[i]));
        }
        assertThat(maxNumeric).isGreaterThan(1e-3);
        assertThat(maxError).isLessThanOrEqualTo(1e-6 * Math.max(1, maxNumeric));
    }

    @Test
    void aSequencesScoreDoesNotDependOnPadding() {
        ReferenceEngine model = TestEngines.noisy(CONFIG, 5, 0.3);
        TokenBatch alone = new TokenBatch(new int[][] {{1, 2, 3}}, new int[] {3}, new boolean[][] {{false, true, true}});
        TokenBatch padded = new TokenBatch(new int[][] {{1, 2, 3, 9, 9, 9}, {4, 5, 6, 7, 8, 1}}, new int[] {3, 6},
                new boolean[][] {{false, true, true, false, false, false}, {false, true, true, true, true, true}});

        double scoreAlone = RewardModelLoss.scores(alone, model.forward(alone))[0];
        ForwardResult result = model.forward(padded);
        double scorePadded = RewardModelLoss.scores(padded, result)[0];

        assertThat(scorePadded).isEqualTo(scoreAlone);
    }

    /** Known answer: two fixed pairs are separable, so training reaches accuracy 1 and a loss near 0. */
    @Test
    void learnsToRankASeparableToySet() {
        ReferenceEngine model = TestEngines.noisy(CONFIG, 6, 0.3);
        RewardModelTrainer trainer = new RewardModelTrainer(model, PAIRS, TrainingSettings.of(2, 1e-2, 3));
        Map<String, Object> metrics = null;
        for (int step = 0; step < 100; step++) {
            metrics = trainer.step();
        }
        assertThat((double) metrics.get("accuracy")).isEqualTo(1.0);
        assertThat((double) metrics.get("loss")).isLessThan(0.05);
    }

    @Test
    void refusesAModelWithoutRewardHead() {
        ReferenceEngine policy = ReferenceEngine.initialized(CONFIG.withRewardHead(false), 1, Parallel.sequential());
        assertThatThrownBy(() -> new RewardModelTrainer(policy, PAIRS, TrainingSettings.of(2, 1e-2, 3)))
                .hasMessageContaining("reward head");
    }
}
