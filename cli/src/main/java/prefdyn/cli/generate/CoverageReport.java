package prefdyn.cli.generate;

import prefdyn.cli.base.UserError;
import prefdyn.cli.task.ImdbTask;
import prefdyn.datasets.ImdbSplit;
import prefdyn.datasets.Review;
import prefdyn.datasets.startmodel.WordCoverage;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code --word-coverage}: the share of the continuations' letter-only words that occur in the words of IMDb half A
 * (the training half), against the committed sample's half A or the whole of it ({@link WordCoverage}).
 */
final class CoverageReport {

    private CoverageReport() {
    }

    /** The half-A reviews whose words are the vocabulary: the committed sample's ({@code sample}) or all ({@code full}). */
    static List<String> vocabularyTexts(String vocabulary, Path data, ImdbTask task) throws IOException {
        return switch (vocabulary) {
            case "sample" -> task.split().halfA().stream().map(Review::text).toList();
            case "full" -> {
                if (!Files.isDirectory(data)) {
                    throw new UserError("--word-coverage full needs the raw IMDb package: run "
                            + "datasets/scripts/fetch-imdb.sh and pass its folder with --data (not found: " + data + ")");
                }
                yield ImdbSplit.prepare(data, ImdbSplit.DEFAULT_SEED).sftCorpus();
            }
            default -> throw new UserError("--word-coverage must be sample or full, got '" + vocabulary + "'");
        };
    }

    /** The {@link WordCoverage} of {@code continuations} against the words of {@code halfA}. */
    static void printWordCoverage(PrintWriter stdout, List<String> continuations, List<String> halfA,
                                  String vocabulary) {
        WordCoverage.Coverage coverage = WordCoverage.of(continuations, WordCoverage.vocabulary(halfA));
        stdout.printf(java.util.Locale.ROOT, "word coverage: %d of %d letter-only words (%.1f%%) of %d continuations "
                        + "occur in the words of IMDb half A (%s: %d reviews)%n", coverage.known(), coverage.words(),
                100 * coverage.fraction(), continuations.size(), vocabulary, halfA.size());
    }
}
