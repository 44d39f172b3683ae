package prefdyn.reference.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prefdyn.reference.checkpoint.Checkpoint;
import prefdyn.reference.data.PromptResponse;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.sft.SftTrainer;
import prefdyn.reference.tokenizer.ByteTokenizer;
import prefdyn.reference.util.Parallel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TrainingLoopTest {

    private static final GptConfig CONFIG = new GptConfig(ByteTokenizer.VOCAB_SIZE, 16, 1, 1, 8, false, false);

    private static SftTrainer trainer() {
        List<PromptResponse> corpus = SftTrainer.plainText(List.of(ByteTokenizer.encode("abcabc"),
                ByteTokenizer.encode("xyz")), CONFIG.contextLength());
        return new SftTrainer(ReferenceEngine.initialized(CONFIG, 1, Parallel.sequential()), corpus,
                TrainingSettings.of(1, 1e-2, 3));
    }

    /** θ(t) on disk is bit-identical to the parameters the trainer held before update t. */
    @Test
    void savesThetaBeforeEveryKthUpdateAndTheFinalParameters(@TempDir Path run) throws Exception {
        SftTrainer reference = trainer();
        List<double[]> thetas = new ArrayList<>();
        for (int t = 0; t <= 5; t++) {
            double[] params = new double[reference.policy().layout().size()];
            reference.policy().copyParametersTo(params);
            thetas.add(params);
            if (t < 5) {
                reference.step();
            }
        }

        TrainingLoop.run(trainer(), 5, run, 2, null);

        for (int t : new int[] {0, 2, 4, 5}) {
            double[] saved = Checkpoint.load(TrainingLoop.checkpointDirectory(run, t)).parameters();
            assertThat(saved).as("θ(" + t + ")").containsExactly(thetas.get(t));
        }
        assertThat(Files.exists(TrainingLoop.checkpointDirectory(run, 1))).isFalse();
        List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).startsWith("{\"step\":0,\"loss\":");
    }
}
