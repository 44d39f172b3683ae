package prefdyn.datasets;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Measures the reward and the judge on the full split: the Naive-Bayes reward trained on half A and the AFINN-165
 * judge, each scored on half B (accuracy = the sign of the score agrees with the review's label). The numbers
 * go into {@code datasets/README.md}.
 *
 * <pre>
 * MeasureAccuracy [RAW_DIR]    (default: $PREFDYN_DATA, else datasets/target/raw)
 * </pre>
 */
public final class MeasureAccuracy {

    private MeasureAccuracy() {
    }

    public static void main(String[] args) throws IOException {
        Path raw = args.length > 0 ? Path.of(args[0]) : PrepareImdb.defaultRawDir();
        ImdbSplit split = ImdbSplit.prepare(raw, ImdbSplit.DEFAULT_SEED);
        for (int minCount : new int[] {1, NaiveBayesSentiment.DEFAULT_MIN_COUNT}) {
            long start = System.nanoTime();
            NaiveBayesSentiment reward = NaiveBayesSentiment.train(split.halfA(), minCount);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("Naive Bayes (minCount %d, %d features, trained on %d reviews in %.1f s):"
                            + " accuracy on half B (%d reviews) %.4f%n", minCount, reward.featureCount(),
                    split.halfA().size(), seconds, split.halfB().size(), reward.accuracy(split.halfB()));
        }
        System.out.printf("AFINN-165 judge: accuracy on half B %.4f%n", AfinnJudge.afinn165().accuracy(split.halfB()));
        ImdbSplit sample = split.balancedSample(ImdbSample.PER_LABEL);
        System.out.printf("sample: Naive Bayes trained on sample half A, accuracy on sample half B %.4f;"
                        + " AFINN-165 %.4f%n", NaiveBayesSentiment.train(sample.halfA()).accuracy(sample.halfB()),
                AfinnJudge.afinn165().accuracy(sample.halfB()));
    }
}
