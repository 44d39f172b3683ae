package prefdyn.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The committed sample of the IMDb split, read from the classpath, so that tests and the demo need no network.
 *
 * <p>It is {@code ImdbSplit.prepare(raw, 778).balancedSample(1000)}: 2,000 reviews from each half, 1,000 of each
 * label, written by {@link PrepareImdb} as gzip-compressed JSON Lines under
 * {@code prefdyn/datasets/imdb-sample/}. See {@code PROVENANCE.md} beside the files for the source, licence and
 * the command that regenerates them.
 */
public final class ImdbSample {

    /** The classpath folder of the sample. */
    public static final String RESOURCE_FOLDER = "/prefdyn/datasets/imdb-sample/";

    /** File name of half A in the sample folder. */
    public static final String HALF_A_FILE = "half-a.jsonl.gz";

    /** File name of half B in the sample folder. */
    public static final String HALF_B_FILE = "half-b.jsonl.gz";

    /** Reviews of each label in each half of the sample. */
    public static final int PER_LABEL = 1000;

    /** The seed the sample was cut with (the split's default). */
    public static final long SEED = ImdbSplit.DEFAULT_SEED;

    private ImdbSample() {
    }

    /**
     * Both halves of the committed sample.
     *
     * @throws UncheckedIOException if a resource is missing or malformed (naming the resource and line)
     */
    public static synchronized ImdbSplit load() {
        if (sample == null) {
            sample = new ImdbSplit(read(HALF_A_FILE), read(HALF_B_FILE));
        }
        return sample;
    }

    private static ImdbSplit sample;

    private static List<Review> read(String fileName) {
        String resource = RESOURCE_FOLDER + fileName;
        try (InputStream in = ImdbSample.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("classpath resource " + resource + " is missing; expected the committed sample"
                        + " (regenerate it with datasets/scripts/regenerate-sample.sh)");
            }
            return ReviewFile.read(in, "classpath:" + resource);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
