package prefdyn.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prefdyn.cli.run.RunDirectory;
import prefdyn.datasets.ImdbBpe;
import prefdyn.datasets.JsonLines;
import prefdyn.datasets.PairFile;
import prefdyn.datasets.PreferencePair;
import prefdyn.reference.checkpoint.Checkpoint;
import prefdyn.reference.checkpoint.LoadedCheckpoint;
import prefdyn.reference.checkpoint.Precision;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.tokenizer.BpeTokenizer;
import prefdyn.reference.util.Parallel;

/**
 * The tiny demo, end to end, on a start model with the committed IMDb BPE vocabulary (V = 2,305), randomly
 * initialised: every text the demo writes was encoded and decoded by that tokenizer, the pairs get its end-of-text,
 * and the trained model is saved with it.
 */
class BpeStartModelTest {

    static final GptConfig BPE_SMALL = new GptConfig(ImdbBpe.VOCAB_SIZE, 64, 1, 2, 16, false, false);

    @TempDir
    static Path dir;
    static Path demo;
    static Cli.Result result;
    static BpeTokenizer bpe;

    @BeforeAll
    static void runTheTinyDemoOnABpeModel() throws IOException {
        bpe = ImdbBpe.load();
        Path checkpoint = dir.resolve("bpe-start");
        try (Parallel parallel = new Parallel(1)) {
            ReferenceEngine engine = ReferenceEngine.initialized(BPE_SMALL, 5, parallel);
            double[] parameters = new double[engine.layout().size()];
            engine.copyParametersTo(parameters);
            Checkpoint.save(checkpoint, BPE_SMALL, parameters, Precision.FLOAT64, bpe);
        }
        demo = dir.resolve("demo");
        result = Cli.run("demo", "--size", "tiny", "--quiet", "--checkpoint", checkpoint.toString(), "--out",
                demo.toString(), "--runs", "dpo/standard,ppo/standard", "--jobs", "2");
    }

    @Test
    void theDemoRunsAndItsTrainedModelKeepsTheBpeTokenizer() throws IOException {
        assertThat(result.code()).as(result.err()).isZero();
        for (String run : List.of("dpo-standard", "ppo-standard")) {
            LoadedCheckpoint trained = Checkpoint.load(demo.resolve("runs").resolve(run).resolve("final-model"));
            assertThat(trained.tokenizer().name()).isEqualTo(BpeTokenizer.NAME);
            assertThat(trained.tokenizer().vocabSize()).isEqualTo(ImdbBpe.VOCAB_SIZE);
        }
    }

    /** Pair texts are the tokenizer's decodings; the DPO run counted the end-of-text TRL's rules appended. */
    @Test
    void pairsAndSamplesAreBpeTextAndThePairCountsAreRecorded() throws IOException {
        List<PreferencePair> pairs = PairFile.read(demo.resolve("pairs").resolve("train.jsonl"));
        assertThat(pairs).isNotEmpty();
        int multiByteTokens = 0;
        for (PreferencePair pair : pairs) {
            int[] ids = bpe.encode(pair.chosen());
            for (int id : ids) {
                multiByteTokens += id >= 256 ? 1 : 0;
            }
        }
        assertThat(multiByteTokens).as("merged BPE tokens in the sampled continuations").isPositive();
        Map<String, Object> config = RunDirectory.readJson(demo.resolve("runs").resolve("dpo-standard")
                .resolve("config.json"));
        assertThat(config).containsEntry("data_rules", "trl");
        assertThat(config.get("pair_data")).isInstanceOf(Map.class);
        for (Map<String, Object> line : JsonLines.read(demo.resolve("runs").resolve("dpo-standard")
                .resolve("final_responses.jsonl"), object -> object)) {
            @SuppressWarnings("unchecked")
            List<Object> response = (List<Object>) line.get("response_ids");
            int[] ids = response.stream().mapToInt(o -> ((Number) o).intValue()).toArray();
            int end = 0;
            while (end < ids.length && ids[end] != bpe.endOfText()) {
                end++;
            }
            assertThat(line.get("response")).isEqualTo(bpe.decode(java.util.Arrays.copyOf(ids, end)));
        }
    }
}
