package prefdyn.reference.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BpeFilesTest {

    @Test
    void writtenFilesReadBackToTheSameTokenizer(@TempDir Path dir) throws IOException {
        BpeTokenizer tokenizer = BpeTokenizerTest.theTokenizer();
        String vocab = BpeFiles.vocabText(tokenizer);
        String merges = BpeFiles.mergesText(tokenizer);
        assertThat(merges).isEqualTo("#version: 0.2\nĠ t\nh e\nĠt he\n");
        assertThat(vocab).startsWith("{\n  \"Ā\": 0,\n").contains("\n  \"Ġ\": 32,\n")
                .endsWith("  \"Ġthe\": 258,\n  \"<|endoftext|>\": 259\n}\n");
        Files.writeString(dir.resolve(BpeFiles.VOCAB_FILE), vocab);
        Files.writeString(dir.resolve(BpeFiles.MERGES_FILE), merges);
        BpeTokenizer read = BpeFiles.read(dir);
        assertThat(read.symbols()).isEqualTo(tokenizer.symbols());
        assertThat(read.merges().list()).isEqualTo(tokenizer.merges().list());
        assertThat(read.encode(" the then")).containsExactly(258, 258, 'n');
    }

    @Test
    void mergesWithoutHeaderOrFinalNewlineAreAccepted() {
        BpeTokenizer tokenizer = BpeTokenizerTest.theTokenizer();
        String vocab = BpeFiles.vocabText(tokenizer);
        assertThat(BpeFiles.parse(vocab, "v", "Ġ t\r\nh e\nĠt he", "m").merges().list())
                .isEqualTo(tokenizer.merges().list());
    }

    @Test
    void malformedFilesAreRefusedNamingFileAndLine() {
        BpeTokenizer tokenizer = BpeTokenizerTest.theTokenizer();
        String vocab = BpeFiles.vocabText(tokenizer);
        assertThatThrownBy(() -> BpeFiles.parse(vocab, "vocab.json", "#version: 0.2\nĠ t\nh  e\n", "merges.txt"))
                .hasMessageStartingWith("merges.txt line 3: expected \"left right\"");
        assertThatThrownBy(() -> BpeFiles.parse(vocab, "vocab.json", "#version: 0.2\nĠ t\n\nh e\n", "merges.txt"))
                .hasMessageStartingWith("merges.txt line 3:");
        assertThatThrownBy(() -> BpeFiles.parse(vocab, "vocab.json", "Ġ t\nh e\nĠ t\n", "merges.txt"))
                .hasMessageStartingWith("merges.txt line 3: merge \"Ġ t\" repeats line 1");
        assertThatThrownBy(() -> BpeFiles.parse("{\"a\": 1,", "vocab.json", "", "merges.txt"))
                .hasMessageStartingWith("vocab.json: invalid JSON").hasMessageContaining("line 1");
        assertThatThrownBy(() -> BpeFiles.parse("{\"a\": 0, \"b\": 2}", "vocab.json", "", "merges.txt"))
                .hasMessageStartingWith("vocab.json: token \"b\" has id 2, outside [0, 2)");
        assertThatThrownBy(() -> BpeFiles.parse("{\"a\": 0, \"b\": \"1\"}", "vocab.json", "", "merges.txt"))
                .hasMessageStartingWith("vocab.json: token \"b\" has a string \"1\", expected an integer id");
        assertThatThrownBy(() -> BpeFiles.parse("{\"a\": 0, \"a b\": 1}", "vocab.json", "", "merges.txt"))
                .hasMessageStartingWith("vocab.json: token \"a b\": character U+0020");
        assertThatThrownBy(() -> BpeFiles.parse(vocab, "vocab.json", "Ġ t\nt h\n", "merges.txt"))
                .hasMessageStartingWith("vocab.json and merges.txt: merge 1 (t h) uses \"th\"");
    }
}
