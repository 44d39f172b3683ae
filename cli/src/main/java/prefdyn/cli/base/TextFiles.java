package prefdyn.cli.base;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A user's text file, read the one way every prefdyn reader reads text: strict UTF-8 (invalid bytes are refused
 * naming {@code file:line}), and a byte-order mark at the start skipped with a notice, as Python's
 * {@code utf-8-sig} and most tools do.
 */
public final class TextFiles {

    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private TextFiles() {
    }

    /**
     * The lines of {@code file} (without their line ends, {@code \r\n} or {@code \n}).
     *
     * @param what how the command calls the file ("prompts file")
     * @throws UserError for a file that cannot be read or is not UTF-8, naming file and line
     */
    public static List<String> readLines(Path file, String what) {
        FileProblems.requireReadableFile(file, what);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UserError(FileProblems.describe("cannot read " + what + " " + file, e), e);
        }
        int start = 0;
        if (startsWithBom(bytes)) {
            CommandScope.notice(file + ": skipped the UTF-8 byte-order mark at its start");
            start = BOM.length;
        }
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        List<String> lines = new ArrayList<>();
        int lineNumber = 1;
        for (int i = start; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == '\n') {
                int end = i > start && bytes[i - 1] == '\r' ? i - 1 : i;
                if (i < bytes.length || end > start) {
                    try {
                        lines.add(utf8.decode(ByteBuffer.wrap(bytes, start, end - start)).toString());
                    } catch (CharacterCodingException e) {
                        throw new UserError(file + ":" + lineNumber + ": not valid UTF-8 (" + what + ")", e);
                    }
                }
                start = i + 1;
                lineNumber++;
            }
        }
        return lines;
    }

    /** Prints the notice of {@link #readLines} when {@code file} starts with a byte-order mark (readers that skip it). */
    public static void noticeBom(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            if (startsWithBom(in.readNBytes(BOM.length))) {
                CommandScope.notice(file + ": skipped the UTF-8 byte-order mark at its start");
            }
        } catch (IOException e) {
            // the reader that follows names the problem
        }
    }

    private static boolean startsWithBom(byte[] bytes) {
        return bytes.length >= BOM.length && Arrays.equals(bytes, 0, BOM.length, BOM, 0, BOM.length);
    }
}
