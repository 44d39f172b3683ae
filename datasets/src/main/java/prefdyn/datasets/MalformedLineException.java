package prefdyn.datasets;

import java.io.IOException;

/**
 * A line of a JSON Lines file that cannot be loaded, with the file and the 1-based line number. When a reader
 * throws it, nothing of the file has been returned.
 */
public final class MalformedLineException extends IOException {

    private final String source;
    private final long line;

    /**
     * @param source  the file name or classpath resource the line came from
     * @param line    the 1-based line number
     * @param problem what is wrong and what was expected
     */
    public MalformedLineException(String source, long line, String problem, Throwable cause) {
        super(source + ":" + line + ": " + problem, cause);
        this.source = source;
        this.line = line;
    }

    /** The file name or classpath resource. */
    public String source() {
        return source;
    }

    /** The 1-based line number. */
    public long line() {
        return line;
    }
}
