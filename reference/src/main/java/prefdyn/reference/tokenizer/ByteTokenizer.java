package prefdyn.reference.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * The byte-level tokenizer ({@code docs/architecture.md}, "The model contract"): ids 0–255 are the bytes of the text's
 * UTF-8 encoding and id 256 is end-of-text, so the vocabulary has V = 257 entries. Any text round-trips exactly, and
 * any other tool can tokenize identically with {@code list(text.encode("utf-8")) + [256]}.
 */
public final class ByteTokenizer {

    /** The end-of-text token id. */
    public static final int END_OF_TEXT = 256;

    /** V, the vocabulary size. */
    public static final int VOCAB_SIZE = 257;

    /** The name recorded beside checkpoints so other tools know how to tokenize. */
    public static final String NAME = "prefdyn-byte-level-v1";

    private static final Tokenizer AS_TOKENIZER = new Tokenizer() {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public int vocabSize() {
            return VOCAB_SIZE;
        }

        @Override
        public int endOfText() {
            return END_OF_TEXT;
        }

        @Override
        public int[] encode(String text) {
            return ByteTokenizer.encode(text);
        }

        /** {@inheritDoc} Decoding stops at the first end-of-text. */
        @Override
        public String decode(int[] ids) {
            return ByteTokenizer.decode(ids);
        }

        @Override
        public String toString() {
            return NAME;
        }
    };

    private ByteTokenizer() {
    }

    /** This tokenizer behind the common {@link Tokenizer} interface. */
    public static Tokenizer asTokenizer() {
        return AS_TOKENIZER;
    }

    /** The UTF-8 bytes of {@code text} as ids 0–255 (no end-of-text appended). */
    public static int[] encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ids[i] = bytes[i] & 0xff;
        }
        return ids;
    }

    /**
     * Decodes ids back to text. Decoding stops at the first end-of-text; invalid UTF-8 (a model can emit any
     * byte sequence) is replaced by U+FFFD rather than rejected.
     *
     * @throws IllegalArgumentException for an id outside [0, 256]
     */
    public static String decode(int[] ids) {
        byte[] bytes = new byte[ids.length];
        int count = 0;
        for (int i = 0; i < ids.length; i++) {
            int id = ids[i];
            if (id == END_OF_TEXT) {
                break;
            }
            if (id < 0 || id > END_OF_TEXT) {
                throw new IllegalArgumentException("token id " + id + " at position " + i + " is outside [0, 256]");
            }
            bytes[count++] = (byte) id;
        }
        return new String(bytes, 0, count, StandardCharsets.UTF_8);
    }
}
