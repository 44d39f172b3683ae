package prefdyn.reference.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * GPT-2's byte-level BPE tokenizer (OpenAI's {@code gpt-2/src/encoder.py}; Hugging Face's {@code GPT2Tokenizer}).
 *
 * <p><b>Encode:</b> cut the text into pieces with {@link Gpt2PreTokenizer}; write each piece's UTF-8 bytes as
 * {@link ByteToUnicode} characters; join them by {@link BpeMerges#apply merges in rank order}; look each symbol
 * up in the vocabulary. <b>Decode:</b> concatenate the symbols of the ids, map the characters back to bytes,
 * and read the bytes as UTF-8 (invalid sequences become U+FFFD, as {@code errors="replace"} in encoder.py).
 *
 * <p><b>End of text</b> is handled as GPT-2 does: the vocabulary holds {@value #END_OF_TEXT_TEXT} (id 50256 in
 * GPT-2's own), which prefdyn places between documents and at the end of a response; {@link #decode} writes it
 * as that text; {@link #encode} treats the string {@value #END_OF_TEXT_TEXT} inside a text as ordinary
 * characters (as encoder.py does), so only the caller ever inserts the id.
 *
 * <p>Read and write the Hugging Face files with {@link BpeFiles}.
 */
public final class BpeTokenizer implements Tokenizer {

    /** The name recorded beside checkpoints that use a byte-level BPE vocabulary ({@code vocab.json} + {@code merges.txt}). */
    public static final String NAME = "gpt2-byte-level-bpe";

    /** GPT-2's end-of-text token, as it appears in {@code vocab.json}. */
    public static final String END_OF_TEXT_TEXT = "<|endoftext|>";

    private final List<String> symbolOfId;
    private final Map<String, Integer> idOfSymbol;
    private final BpeMerges merges;
    private final int endOfText;
    /** Piece → ids, as encoder.py's cache: the same word recurs throughout a corpus. */
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    /**
     * @param symbolOfId [V] the symbol ({@link ByteToUnicode} characters) of each id; must include every single
     *                   byte character, {@value #END_OF_TEXT_TEXT}, and every merge's two sides and result
     * @throws IllegalArgumentException naming the first symbol or merge that breaks those rules
     */
    public BpeTokenizer(List<String> symbolOfId, BpeMerges merges) {
        this.symbolOfId = List.copyOf(symbolOfId);
        this.idOfSymbol = new HashMap<>();
        for (int id = 0; id < this.symbolOfId.size(); id++) {
            String symbol = this.symbolOfId.get(id);
            if (symbol.isEmpty()) {
                throw new IllegalArgumentException("token " + id + " is the empty string");
            }
            ByteToUnicode.decode(symbol);
            Integer earlier = idOfSymbol.putIfAbsent(symbol, id);
            if (earlier != null) {
                throw new IllegalArgumentException("token " + id + " \"" + symbol + "\" repeats token " + earlier);
            }
        }
        for (int b = 0; b < 256; b++) {
            if (!idOfSymbol.containsKey(String.valueOf(ByteToUnicode.charOf(b)))) {
                throw new IllegalArgumentException("the vocabulary lacks the single byte 0x"
                        + String.format("%02x", b) + " (\"" + ByteToUnicode.charOf(b) + "\")");
            }
        }
        Integer end = idOfSymbol.get(END_OF_TEXT_TEXT);
        if (end == null) {
            throw new IllegalArgumentException("the vocabulary lacks the end-of-text token " + END_OF_TEXT_TEXT);
        }
        this.endOfText = end;
        for (int rank = 0; rank < merges.size(); rank++) {
            BpeMerges.Merge merge = merges.list().get(rank);
            for (String symbol : List.of(merge.left(), merge.right(), merge.merged())) {
                if (!idOfSymbol.containsKey(symbol)) {
                    throw new IllegalArgumentException("merge " + rank + " (" + merge.left() + " " + merge.right()
                            + ") uses \"" + symbol + "\", which is not in the vocabulary");
                }
            }
        }
        this.merges = merges;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int vocabSize() {
        return symbolOfId.size();
    }

    @Override
    public int endOfText() {
        return endOfText;
    }

    /** The symbol of each id, in id order (what {@code vocab.json} maps). */
    public List<String> symbols() {
        return symbolOfId;
    }

    /** The merges, in rank order (what {@code merges.txt} lists). */
    public BpeMerges merges() {
        return merges;
    }

    @Override
    public int[] encode(String text) {
        List<int[]> parts = new ArrayList<>();
        int total = 0;
        for (String piece : Gpt2PreTokenizer.split(text)) {
            int[] ids = cache.computeIfAbsent(piece, this::encodePieceUncached);
            parts.add(ids);
            total += ids.length;
        }
        int[] ids = new int[total];
        int at = 0;
        for (int[] part : parts) {
            System.arraycopy(part, 0, ids, at, part.length);
            at += part.length;
        }
        return ids;
    }

    /**
     * The ids of one piece, as if the pre-tokenizer had produced it (BPE never crosses pieces, so {@link #encode}
     * is the concatenation of this over {@link Gpt2PreTokenizer#split}). Useful to reproduce another
     * pre-tokenisation with the same merges.
     */
    public int[] encodePiece(String piece) {
        return cache.computeIfAbsent(piece, this::encodePieceUncached).clone();
    }

    private int[] encodePieceUncached(String piece) {
        List<String> symbols = merges.apply(ByteToUnicode.encode(piece.getBytes(StandardCharsets.UTF_8)));
        int[] ids = new int[symbols.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = idOfSymbol.get(symbols.get(i));
        }
        return ids;
    }

    /** {@inheritDoc} The end-of-text id decodes to the text {@value #END_OF_TEXT_TEXT}, as in GPT-2. */
    @Override
    public String decode(int[] ids) {
        StringBuilder symbols = new StringBuilder();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= symbolOfId.size()) {
                throw new IllegalArgumentException("token id " + ids[i] + " at position " + i + " is outside [0, "
                        + symbolOfId.size() + ")");
            }
            symbols.append(symbolOfId.get(ids[i]));
        }
        return new String(ByteToUnicode.decode(symbols.toString()), StandardCharsets.UTF_8);
    }
}
