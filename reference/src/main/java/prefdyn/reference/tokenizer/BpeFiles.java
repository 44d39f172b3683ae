package prefdyn.reference.tokenizer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import prefdyn.reference.util.JsonFiles;

/**
 * Hugging Face's two files of a byte-level BPE, the pair {@code GPT2Tokenizer} and {@code GPT2TokenizerFast} read
 * ({@code from_pretrained(dir)}); GPT-2's own pair ships as {@code encoder.json} and {@code vocab.bpe}, the same
 * formats under OpenAI's names.
 *
 * <pre>
 *   vocab.json    one JSON object, symbol → id: {"!": 0, "\"": 1, ..., "Ġthe": 262, ..., "&lt;|endoftext|&gt;": 50256}
 *                 ({@link ByteToUnicode} characters; ids 0..V-1, each exactly once)
 *   merges.txt    "#version: 0.2" on the first line, then one merge a line, rank order: "left right"
 *                 (one space between); a final newline, no blank line otherwise
 * </pre>
 * Errors name the file and, for {@code merges.txt}, the line; for {@code vocab.json}, the JSON line or the token.
 */
public final class BpeFiles {

    /** The vocabulary file's name in a checkpoint directory. */
    public static final String VOCAB_FILE = "vocab.json";
    /** The merges file's name in a checkpoint directory. */
    public static final String MERGES_FILE = "merges.txt";
    /** The first line Hugging Face writes (and GPT-2's {@code vocab.bpe} has). */
    public static final String MERGES_HEADER = "#version: 0.2";

    private BpeFiles() {
    }

    /** Reads {@code dir/vocab.json} and {@code dir/merges.txt}. */
    public static BpeTokenizer read(Path directory) throws IOException {
        return read(directory.resolve(VOCAB_FILE), directory.resolve(MERGES_FILE));
    }

    /**
     * Reads a vocabulary and its merges.
     *
     * @throws IOException              if a file cannot be read
     * @throws IllegalArgumentException naming the file (and line) when a file is malformed
     */
    public static BpeTokenizer read(Path vocabJson, Path mergesTxt) throws IOException {
        return parse(readUtf8(vocabJson), vocabJson.toString(), readUtf8(mergesTxt), mergesTxt.toString());
    }

    /**
     * Parses the two files' text; {@code vocabName} and {@code mergesName} only name them in error messages.
     *
     * @throws IllegalArgumentException naming the file (and line) when a file is malformed
     */
    public static BpeTokenizer parse(String vocabText, String vocabName, String mergesText, String mergesName) {
        List<String> symbols = parseVocab(vocabText, vocabName);
        BpeMerges merges = parseMerges(mergesText, mergesName);
        try {
            return new BpeTokenizer(symbols, merges);
        } catch (IllegalArgumentException inconsistent) {
            throw new IllegalArgumentException(vocabName + " and " + mergesName + ": " + inconsistent.getMessage(),
                    inconsistent);
        }
    }

    /** The text of {@code vocab.json}: one entry a line, in id order, non-ASCII characters as themselves. */
    public static String vocabText(BpeTokenizer tokenizer) {
        StringBuilder text = new StringBuilder("{\n");
        List<String> symbols = tokenizer.symbols();
        for (int id = 0; id < symbols.size(); id++) {
            text.append("  ").append(JsonFiles.write(symbols.get(id))).append(": ").append(id);
            text.append(id + 1 < symbols.size() ? ",\n" : "\n");
        }
        return text.append("}\n").toString();
    }

    /** The text of {@code merges.txt}: the header line, then one merge a line. */
    public static String mergesText(BpeTokenizer tokenizer) {
        StringBuilder text = new StringBuilder(MERGES_HEADER).append('\n');
        for (BpeMerges.Merge merge : tokenizer.merges().list()) {
            text.append(merge.left()).append(' ').append(merge.right()).append('\n');
        }
        return text.toString();
    }

    private static List<String> parseVocab(String text, String name) {
        Map<String, Object> json;
        try {
            json = JsonFiles.parseObject(text);
        } catch (JsonFiles.JsonException invalid) {
            throw new IllegalArgumentException(name + ": invalid JSON: " + invalid.getMessage(), invalid);
        }
        String[] symbolOfId = new String[json.size()];
        for (Map.Entry<String, Object> entry : json.entrySet()) {
            String where = name + ": token " + JsonFiles.write(entry.getKey());
            if (!(entry.getValue() instanceof Long id)) {
                throw new IllegalArgumentException(where + " has " + JsonFiles.describe(entry.getValue()) + " "
                        + JsonFiles.write(entry.getValue()) + ", expected an integer id");
            }
            if (id < 0 || id >= symbolOfId.length) {
                throw new IllegalArgumentException(where + " has id " + id + ", outside [0, " + symbolOfId.length
                        + ") (ids must be 0..V-1 for V = " + symbolOfId.length + " tokens)");
            }
            if (symbolOfId[(int) (long) id] != null) {
                throw new IllegalArgumentException(where + " has id " + id + ", already the id of token "
                        + JsonFiles.write(symbolOfId[(int) (long) id]));
            }
            try {
                ByteToUnicode.decode(entry.getKey());
            } catch (IllegalArgumentException notBytes) {
                throw new IllegalArgumentException(where + ": " + notBytes.getMessage(), notBytes);
            }
            symbolOfId[(int) (long) id] = entry.getKey();
        }
        return Arrays.asList(symbolOfId);
    }

    private static BpeMerges parseMerges(String text, String name) {
        String[] lines = text.split("\n", -1);
        List<BpeMerges.Merge> merges = new ArrayList<>();
        Map<String, Integer> lineOfPair = new LinkedHashMap<>();
        int last = lines.length - 1;
        if (!lines[last].isEmpty()) {
            last++; // no final newline: the last line is a merge too
        }
        for (int index = 0; index < last; index++) {
            String line = lines[index].endsWith("\r") ? lines[index].substring(0, lines[index].length() - 1)
                    : lines[index];
            int lineNumber = index + 1;
            if (index == 0 && line.startsWith("#version")) {
                continue;
            }
            String[] sides = line.split(" ", -1);
            if (sides.length != 2 || sides[0].isEmpty() || sides[1].isEmpty()) {
                throw new IllegalArgumentException(name + " line " + lineNumber + ": expected \"left right\" (two"
                        + " symbols, one space), got " + JsonFiles.write(line));
            }
            Integer earlier = lineOfPair.putIfAbsent(line, lineNumber);
            if (earlier != null) {
                throw new IllegalArgumentException(name + " line " + lineNumber + ": merge " + JsonFiles.write(line)
                        + " repeats line " + earlier);
            }
            merges.add(new BpeMerges.Merge(sides[0], sides[1]));
        }
        return new BpeMerges(merges);
    }

    private static String readUtf8(Path file) throws IOException {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (NoSuchFileException missing) {
            throw new NoSuchFileException(file.toString(), null, "file not found");
        } catch (CharacterCodingException notUtf8) {
            throw new IllegalArgumentException(file + ": not valid UTF-8", notUtf8);
        }
    }
}
