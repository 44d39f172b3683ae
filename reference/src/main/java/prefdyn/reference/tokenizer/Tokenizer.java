package prefdyn.reference.tokenizer;

/**
 * Text ↔ token ids, as a model's vocabulary sees them. Two kinds exist: the byte-level tokenizer
 * ({@link ByteTokenizer#asTokenizer()}, V = 257) and GPT-2's byte-level BPE ({@link BpeTokenizer}, which reads
 * Hugging Face's {@code vocab.json} + {@code merges.txt}). A checkpoint records which one it uses, so that other
 * tools tokenize identically (see {@code docs/architecture.md}, "tokenizer").
 */
public interface Tokenizer {

    /** The name recorded in a checkpoint's {@code config.json} ({@code prefdyn_tokenizer}). */
    String name();

    /** V, the number of token ids: every id lies in [0, V). */
    int vocabSize();

    /** The end-of-text id, which separates documents and ends a sampled response. */
    int endOfText();

    /** The ids of {@code text}, with no end-of-text added. */
    int[] encode(String text);

    /**
     * The text of {@code ids}; byte sequences that are not valid UTF-8 (a model can emit any) become U+FFFD.
     * How an end-of-text id decodes is the tokenizer's own convention (see each implementation).
     *
     * @param ids [n] token ids in [0, V)
     * @throws IllegalArgumentException for an id outside [0, V)
     */
    String decode(int[] ids);

    /**
     * The text of {@code ids} before their first end-of-text (all of them when there is none): how a sampled
     * response reads, since sampling keeps the end-of-text that stopped it. Both tokenizers give the same text for
     * the same ids: the byte-level one's {@link #decode} stops there too, GPT-2's BPE would write
     * {@code <|endoftext|>}.
     *
     * @param ids [n] token ids in [0, V)
     */
    default String decodeToEndOfText(int[] ids) {
        int end = 0;
        while (end < ids.length && ids[end] != endOfText()) {
            end++;
        }
        return decode(end == ids.length ? ids : java.util.Arrays.copyOf(ids, end));
    }
}
