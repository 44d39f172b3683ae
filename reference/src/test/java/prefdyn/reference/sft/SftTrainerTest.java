package prefdyn.reference.sft;

import org.junit.jupiter.api.Test;
import prefdyn.reference.data.PromptResponse;
import prefdyn.reference.data.SequenceBatches;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.GptModel;
import prefdyn.reference.tokenizer.ByteTokenizer;
import prefdyn.reference.train.TrainingSettings;
import prefdyn.reference.util.Parallel;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SftTrainerTest {

    private static final GptConfig CONFIG = new GptConfig(ByteTokenizer.VOCAB_SIZE, 24, 1, 2, 16, false, false);

    private static List<PromptResponse> corpus() {
        return SftTrainer.plainText(List.of(ByteTokenizer.encode("a good film"), ByteTokenizer.encode("a bad film"),
                ByteTokenizer.encode("great acting")), CONFIG.contextLength());
    }

    /** Known answer: all-zero weights predict uniformly, so the NLL is ln V for every token. */
    @Test
    void zeroModelHasLossLnV() {
        ReferenceEngine engine = new ReferenceEngine(new GptModel(CONFIG, Parallel.sequential()));
        TokenBatch batch = SequenceBatches.of(corpus(), CONFIG.contextLength());
        assertThat(SftLoss.loss(batch, engine.forward(batch))).isCloseTo(Math.log(ByteTokenizer.VOCAB_SIZE), within(1e-12));
    }

    @Test
    void plainTextIsSplitIntoContextWindowsWithAOneTokenPrompt() {
        List<PromptResponse> windows = SftTrainer.plainText(List.of(new int[] {1, 2, 3, 4, 5, 6, 7}), 3);
        assertThat(windows).hasSize(3);
        assertThat(windows.get(0).prompt()).containsExactly(1);
        assertThat(windows.get(0).response()).containsExactly(2, 3);
        assertThat(windows.get(1).prompt()).containsExactly(3);
        assertThat(windows.get(1).response()).containsExactly(4, 5);
        assertThat(windows.get(2).prompt()).containsExactly(5);
        assertThat(windows.get(2).response()).containsExactly(6, 7);
        assertThatThrownBy(() -> SftTrainer.plainText(List.of(new int[] {1}), 3)).hasMessageContaining("text 0");
    }

    @Test
    void learnsTheCorpusAndTwoRunsAreBitIdentical() {
        double[] first = train(60);
        double[] second = train(60);
        assertThat(second).containsExactly(first);
    }

    @Test
    void lossFallsFarBelowUniform() {
        ReferenceEngine engine = ReferenceEngine.initialized(CONFIG, 2, Parallel.sequential());
        SftTrainer trainer = new SftTrainer(engine, corpus(), TrainingSettings.of(3, 1e-2, 5));
        Map<String, Object> metrics = null;
        for (int step = 0; step < 150; step++) {
            metrics = trainer.step();
        }
        assertThat((double) metrics.get("loss")).isLessThan(0.5);
        assertThat((double) metrics.get("mean_token_accuracy")).isGreaterThan(0.8);
    }

    private static double[] train(int steps) {
        try (Parallel parallel = new Parallel(2)) {
            ReferenceEngine engine = ReferenceEngine.initialized(CONFIG, 2, parallel);
            SftTrainer trainer = new SftTrainer(engine, corpus(), TrainingSettings.of(2, 1e-2, 5));
            for (int step = 0; step < steps; step++) {
                trainer.step();
            }
            double[] params = new double[engine.layout().size()];
            engine.copyParametersTo(params);
            return params;
        }
    }
}
