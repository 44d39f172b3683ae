package prefdyn.reference.tokenizer;

import java.util.Arrays;

/**
 * GPT-2's reversible map from the 256 byte values to 256 printable Unicode characters ({@code bytes_to_unicode}
 * in OpenAI's {@code gpt-2/src/encoder.py}), so that a BPE vocabulary of byte sequences can be written as text
 * (Hugging Face's {@code vocab.json} and {@code merges.txt} hold these characters).
 *
 * <p>The 188 bytes that are printable Latin-1 characters — {@code '!'..'~'}, {@code '¡'..'¬'}, {@code '®'..'ÿ'} —
 * map to themselves; the other 68 (control characters, space, DEL, the C1 block, NBSP, soft hyphen) map, in
 * increasing byte order, to U+0100, U+0101, ... . So the space byte 0x20 is {@code 'Ġ'} (U+0120) and newline
 * 0x0A is {@code 'Ċ'} (U+010A).
 */
public final class ByteToUnicode {

    /** Character of byte b at index b. */
    private static final char[] CHAR_OF_BYTE = buildTable();
    /** Byte value of character c at index c (characters are below U+0144), or -1. */
    private static final int[] BYTE_OF_CHAR = invert(CHAR_OF_BYTE);

    private ByteToUnicode() {
    }

    /** The character that stands for byte value {@code b} (0–255). */
    public static char charOf(int b) {
        return CHAR_OF_BYTE[b];
    }

    /** The byte value that character {@code c} stands for, or -1 if {@code c} is not one of the 256. */
    public static int byteOf(char c) {
        return c < BYTE_OF_CHAR.length ? BYTE_OF_CHAR[c] : -1;
    }

    /** The characters that stand for {@code bytes}, one per byte. */
    public static String encode(byte[] bytes) {
        char[] chars = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            chars[i] = CHAR_OF_BYTE[bytes[i] & 0xff];
        }
        return new String(chars);
    }

    /**
     * The bytes that {@code symbols} stand for.
     *
     * @throws IllegalArgumentException if a character is not one of the 256
     */
    public static byte[] decode(String symbols) {
        byte[] bytes = new byte[symbols.length()];
        for (int i = 0; i < bytes.length; i++) {
            int b = byteOf(symbols.charAt(i));
            if (b < 0) {
                throw new IllegalArgumentException("character U+" + String.format("%04X", (int) symbols.charAt(i))
                        + " at index " + i + " of \"" + symbols + "\" stands for no byte");
            }
            bytes[i] = (byte) b;
        }
        return bytes;
    }

    private static char[] buildTable() {
        char[] table = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            table[b] = (char) (printable ? b : next++);
        }
        return table;
    }

    private static int[] invert(char[] table) {
        int max = 0;
        for (char c : table) {
            max = Math.max(max, c);
        }
        int[] inverse = new int[max + 1];
        Arrays.fill(inverse, -1);
        for (int b = 0; b < table.length; b++) {
            inverse[table[b]] = b;
        }
        return inverse;
    }
}
