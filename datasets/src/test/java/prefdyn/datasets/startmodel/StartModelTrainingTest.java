package prefdyn.datasets.startmodel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prefdyn.reference.data.PromptResponse;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.optim.AdamWSettings;
import prefdyn.reference.tokenizer.ByteTokenizer;
import prefdyn.reference.tokenizer.Tokenizer;
import prefdyn.reference.train.ResumePoint;
import prefdyn.reference.util.Parallel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class StartModelTrainingTest {

    /** The byte tokenizer behind the {@link Tokenizer} interface. */
    static final Tokenizer BYTES = new Tokenizer() {
        @Override
        public String name() {
            return ByteTokenizer.NAME;
        }

        @Override
        public int vocabSize() {
            return ByteTokenizer.VOCAB_SIZE;
        }

        @Override
        public int endOfText() {
            return ByteTokenizer.END_OF_TEXT;
        }

        @Override
        public int[] encode(String text) {
            return ByteTokenizer.encode(text);
        }

        @Override
        public String decode(int[] ids) {
            return ByteTokenizer.decode(ids);
        }
    };

    private static final GptConfig TINY = new GptConfig(ByteTokenizer.VOCAB_SIZE, 16, 1, 2, 8, false, false);
    private static final List<String> TEXTS = List.of("a good film", "bad acting, worse plot", "loved it",
            "the ending was dull", "great cast and a fine score", "not worth the ticket");
    private static final List<String> HELD_OUT = List.of("a fine plot", "dull cast");

    private static final StartModelTraining.Settings SETTINGS = new StartModelTraining.Settings(12, 3, 3e-3, 2,
            3e-4, new AdamWSettings(0.9, 0.95, 1e-8, 0.1), 1.0, 5, 4);

    @Test
    void aModelWithZeroWeightsIsUniformSoItCostsLog2VBitsPerByteUnderTheByteTokenizer() {
        try (Parallel parallel = new Parallel(1)) {
            ReferenceEngine engine = ReferenceEngine.initialized(TINY, 1, parallel);
            engine.setParameters(new double[engine.layout().size()]);    // ln weights 0: logits 0, π uniform
            BitsPerByte.Measurement measured = BitsPerByte.measure(engine, BYTES, HELD_OUT, 2);
            assertThat(measured.bytes()).isEqualTo(11 + 9);
            assertThat(measured.tokens()).isEqualTo(20);                 // every byte predicted once, after eot
            assertThat(measured.bitsPerByte()).isCloseTo(Math.log(257) / Math.log(2), within(1e-12));
        }
    }

    @Test
    void theStreamPutsEndOfTextBeforeEachDocumentAndAfterTheLast() {
        int[] stream = LanguageModelCorpus.stream(List.of("ab", "c"), BYTES);
        assertThat(stream).containsExactly(256, 'a', 'b', 256, 'c', 256);
        List<PromptResponse> windows = LanguageModelCorpus.windows(stream, 3);
        // windows of 3 tokens overlapping by one: [256 a b] [b 256 c] [c 256]
        assertThat(windows).hasSize(3);
        assertThat(windows.get(1).prompt()).containsExactly('b');
        assertThat(windows.get(1).response()).containsExactly(256, 'c');
    }

    @Test
    void aRunStoppedAfterAnEvaluationAndStartedAgainEndsWithTheUninterruptedRunsModel(@TempDir Path folder)
            throws IOException {
        double[] uninterrupted = train(folder.resolve("whole"), Long.MAX_VALUE);

        Path resumed = folder.resolve("resumed");
        assertThatThrownBy(() -> train(resumed, 6)).isInstanceOf(Stop.class);   // killed during step 6
        assertThat(ResumePoint.folders(resumed)).containsExactly("step-0000004");
        List<Long> stepsAfterRestart = new ArrayList<>();
        double[] continued = train(resumed, Long.MAX_VALUE, stepsAfterRestart);

        assertThat(stepsAfterRestart.get(0)).isEqualTo(4);                  // the first step not saved
        assertThat(continued).containsExactly(uninterrupted);
    }

    @Test
    void refusesToContinueAFolderThatHoldsARunWithOtherSettings(@TempDir Path folder) throws IOException {
        train(folder, Long.MAX_VALUE);
        StartModelTraining.Settings other = new StartModelTraining.Settings(12, 3, 1e-3, 2, 1e-4,
                SETTINGS.adamW(), 1.0, 5, 4);
        try (Parallel parallel = new Parallel(1)) {
            ReferenceEngine engine = ReferenceEngine.initialized(TINY, 1, parallel);
            assertThatThrownBy(() -> StartModelTraining.run(engine, windows(), BYTES, HELD_OUT, other,
                    Map.of("corpus", "test"), folder, quiet(Long.MAX_VALUE, new ArrayList<>())))
                    .hasMessageContaining("other settings");
        }
    }

    private static final class Stop extends RuntimeException {
    }

    private static double[] train(Path folder, long stopAt) throws IOException {
        return train(folder, stopAt, new ArrayList<>());
    }

    private static double[] train(Path folder, long stopAt, List<Long> steps) throws IOException {
        try (Parallel parallel = new Parallel(1)) {
            ReferenceEngine engine = ReferenceEngine.initialized(TINY, 1, parallel);
            StartModelTraining.Result result = StartModelTraining.run(engine, windows(), BYTES, HELD_OUT, SETTINGS,
                    Map.of("corpus", "test"), folder, quiet(stopAt, steps));
            assertThat(result.record().get("curve")).asList().hasSize(1 + 3);   // step 0, 4, 8, 12
            double[] parameters = new double[engine.layout().size()];
            engine.copyParametersTo(parameters);
            return parameters;
        }
    }

    private static List<PromptResponse> windows() {
        return LanguageModelCorpus.windows(LanguageModelCorpus.stream(TEXTS, BYTES), TINY.contextLength());
    }

    private static StartModelTraining.Listener quiet(long stopAt, List<Long> steps) {
        return new StartModelTraining.Listener() {
            @Override
            public void step(long step, Map<String, Object> metrics) {
                steps.add(step);
                if (step == stopAt) {
                    throw new Stop();
                }
            }

            @Override
            public void evaluated(long step, Map<String, Object> point) {
            }
        };
    }
}
