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
}
