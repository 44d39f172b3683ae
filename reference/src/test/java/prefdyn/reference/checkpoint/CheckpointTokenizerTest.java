package prefdyn.reference.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.tokenizer.BpeFiles;
import prefdyn.reference.tokenizer.BpeTokenizer;
import prefdyn.reference.tokenizer.BpeTrainer;
import prefdyn.reference.tokenizer.ByteTokenizer;
import prefdyn.reference.tokenizer.Tokenizer;
import prefdyn.reference.util.JsonFiles;

class CheckpointTokenizerTest {

    @TempDir
    Path directory;

    /** 256 bytes + 6 merges + end-of-text = 263 tokens. */
    private static final BpeTokenizer BPE = BpeTrainer.train(List.of("the cat and the hat and the bat"), 6);
    private static final GptConfig BPE_CONFIG = new GptConfig(263, 8, 1, 2, 8, false, false);

    @Test
    void aBpeCheckpointRecordsItsTokenizerAndLoadsTheSameOne() throws IOException {
        assertThat(BPE.vocabSize()).isEqualTo(BPE_CONFIG.vocabSize());
        Checkpoint.save(directory, BPE_CONFIG, CheckpointRoundTripTest.parameters(BPE_CONFIG, 5), Precision.FLOAT64,
                BPE);

        assertThat(Files.readString(directory.resolve(BpeFiles.VOCAB_FILE))).isEqualTo(BpeFiles.vocabText(BPE));
        assertThat(Files.readString(directory.resolve(BpeFiles.MERGES_FILE))).isEqualTo(BpeFiles.mergesText(BPE));
        Map<String, Object> json = JsonFiles.parseObject(Files.readString(directory.resolve(Checkpoint.CONFIG_FILE)));
        assertThat(json).containsEntry("prefdyn_tokenizer", BpeTokenizer.NAME)
                .containsEntry("bos_token_id", 262L).containsEntry("eos_token_id", 262L);
        assertThat(SafeTensors.read(directory.resolve(Checkpoint.MODEL_FILE)).metadata())
                .containsEntry(Checkpoint.METADATA_TOKENIZER, BpeTokenizer.NAME);

        LoadedCheckpoint loaded = Checkpoint.load(directory);
        assertThat(loaded.tokenizer()).isInstanceOf(BpeTokenizer.class);
        BpeTokenizer read = (BpeTokenizer) loaded.tokenizer();
        assertThat(read.symbols()).isEqualTo(BPE.symbols());
        assertThat(read.merges().list()).isEqualTo(BPE.merges().list());
        assertThat(read.encode(" the hat")).containsExactly(BPE.encode(" the hat")).hasSizeLessThan(8);
    }

    @Test
    void aByteCheckpointLoadsTheByteTokenizerAndResavingRemovesAStaleBpePair() throws IOException {
        Checkpoint.save(directory, BPE_CONFIG, CheckpointRoundTripTest.parameters(BPE_CONFIG, 5), Precision.FLOAT64,
                BPE);
        Checkpoint.save(directory, BPE_CONFIG, CheckpointRoundTripTest.parameters(BPE_CONFIG, 5));
        assertThat(directory.resolve(BpeFiles.VOCAB_FILE)).doesNotExist();
        assertThat(directory.resolve(BpeFiles.MERGES_FILE)).doesNotExist();
        Tokenizer tokenizer = Checkpoint.load(directory).tokenizer();
        assertThat(tokenizer.name()).isEqualTo(ByteTokenizer.NAME);
        assertThat(tokenizer.encode("hi")).containsExactly('h', 'i');
    }

    @Test
    void anUnknownTokenizerNameIsRefused() throws IOException {
        Checkpoint.save(directory, BPE_CONFIG, CheckpointRoundTripTest.parameters(BPE_CONFIG, 5));
        Path config = directory.resolve(Checkpoint.CONFIG_FILE);
        Files.writeString(config, Files.readString(config).replace(ByteTokenizer.NAME, "sentencepiece-v2"));
        assertThatThrownBy(() -> Checkpoint.load(directory)).isInstanceOf(CheckpointException.class)
                .hasMessageStartingWith(config.toString())
                .hasMessageContaining("field \"prefdyn_tokenizer\" is \"sentencepiece-v2\", which prefdyn does not"
                        + " know; known: prefdyn-byte-level-v1, gpt2-byte-level-bpe");
    }

    @Test
    void aBpeCheckpointWithoutItsFilesOrWithTheWrongSizeIsRefused() throws IOException {
        Checkpoint.save(directory, BPE_CONFIG, CheckpointRoundTripTest.parameters(BPE_CONFIG, 5), Precision.FLOAT64,
                BPE);
        Files.delete(directory.resolve(BpeFiles.MERGES_FILE));
        assertThatThrownBy(() -> Checkpoint.load(directory)).isInstanceOf(CheckpointException.class)
                .hasMessageStartingWith(directory.resolve(BpeFiles.MERGES_FILE).toString())
                .hasMessageContaining("missing; config.json names tokenizer gpt2-byte-level-bpe");

        GptConfig wrongSize = new GptConfig(257, 8, 1, 2, 8, false, false);
        assertThatThrownBy(() -> Checkpoint.save(directory.resolve("other"), wrongSize,
                CheckpointRoundTripTest.parameters(wrongSize, 5), Precision.FLOAT64, BPE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has 263 tokens but");
        assertThat(directory.resolve("other")).doesNotExist();
    }
}
