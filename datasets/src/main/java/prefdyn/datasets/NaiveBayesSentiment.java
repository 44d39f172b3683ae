package prefdyn.datasets;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The training reward: a binarized Naive-Bayes log-count-ratio sentiment model on word unigrams and bigrams
 * (Wang and Manning 2012's NB features), exactly the recipe of {@code docs/data.md} ("The reward and the judge").
 *
 * <p>Training counts, for every feature g of {@link SentimentFeatures#grams}, the number of positive reviews
 * c⁺_g and of negative reviews c⁻_g that contain it. Features seen in fewer than {@code minCount} reviews in all
 * are dropped; the rest form the vocabulary V. With N⁺ = Σ_g c⁺_g + |V| and N⁻ = Σ_g c⁻_g + |V| (add-one
 * smoothing), each feature gets the log-count ratio
 * <pre>
 *   r_g = log((c⁺_g + 1) / N⁺) − log((c⁻_g + 1) / N⁻)
 * </pre>
 * and a text x scores {@code score(x) = Σ_{g ∈ grams(x) ∩ V} r_g}: the Naive-Bayes log-odds that x is positive
 * (with equal class priors; the training halves are balanced to within a few reviews, and the recipe adds no prior
 * term). A positive score predicts a positive review. The score, or its sigmoid, is the scalar reward given on
 * the last response token, like TRL's sentiment-classifier logit.
 *
 * <p>Measured accuracy (sign of the score against the review's label): see {@code datasets/README.md}.
 * Like any learned reward it can be gamed (repeating a strongly positive token), which is why win rates are
 * judged by the independent {@link AfinnJudge}.
 */
public final class NaiveBayesSentiment {

    /** The prototype's pruning: keep features seen in at least two training reviews. */
    public static final int DEFAULT_MIN_COUNT = 2;

    private final Map<String, Double> ratios;

    private NaiveBayesSentiment(Map<String, Double> ratios) {
        this.ratios = ratios;
    }

    /** Trains with {@link #DEFAULT_MIN_COUNT}. */
    public static NaiveBayesSentiment train(List<Review> reviews) {
        return train(reviews, DEFAULT_MIN_COUNT);
    }

    /**
     * Trains on labelled reviews (in practice half A of the split).
     *
     * @param minCount the fewest training reviews a feature must occur in to be kept (1 keeps all)
     * @throws IllegalArgumentException if {@code minCount < 1} or either label has no review
     */
    public static NaiveBayesSentiment train(List<Review> reviews, int minCount) {
        if (minCount < 1) {
            throw new IllegalArgumentException("minCount: expected at least 1, got " + minCount);
        }
        long positives = reviews.stream().filter(Review::positive).count();
        if (positives == 0 || positives == reviews.size()) {
            throw new IllegalArgumentException("training reviews: expected both labels, got " + positives
                    + " positive of " + reviews.size());
        }
        Map<String, int[]> counts = new HashMap<>(); // feature -> {c⁻, c⁺}
        for (Review review : reviews) {
            for (String gram : SentimentFeatures.grams(review.text())) {
                counts.computeIfAbsent(gram, g -> new int[2])[review.label()]++;
            }
        }
        counts.values().removeIf(c -> c[0] + c[1] < minCount);
        long vocabulary = counts.size();
        long totalNegative = vocabulary;
        long totalPositive = vocabulary;
        for (int[] c : counts.values()) {
            totalNegative += c[Review.NEGATIVE];
            totalPositive += c[Review.POSITIVE];
        }
        double logPositiveTotal = Math.log(totalPositive);
        double logNegativeTotal = Math.log(totalNegative);
        Map<String, Double> ratios = new HashMap<>(counts.size() * 2);
        for (Map.Entry<String, int[]> entry : counts.entrySet()) {
            int[] c = entry.getValue();
            double ratio = (Math.log(c[Review.POSITIVE] + 1.0) - logPositiveTotal)
                    - (Math.log(c[Review.NEGATIVE] + 1.0) - logNegativeTotal);
            ratios.put(entry.getKey(), ratio);
        }
        return new NaiveBayesSentiment(ratios);
    }

    /** The log-odds that {@code text} is positive: the sum of r_g over its distinct known features. */
    public double score(String text) {
        double score = 0.0;
        for (String gram : SentimentFeatures.grams(text)) {
            Double ratio = ratios.get(gram);
            if (ratio != null) {
                score += ratio;
            }
        }
        return score;
    }

    /** The log-count ratio r_g of one feature (a token, or two tokens joined by a space); 0 if unknown. */
    public double ratio(String feature) {
        return ratios.getOrDefault(feature, 0.0);
    }

    /** |V|, the number of features kept. */
    public int featureCount() {
        return ratios.size();
    }

    /** The fraction of reviews whose score has the sign of their label (score &gt; 0 predicts positive). */
    public double accuracy(List<Review> reviews) {
        if (reviews.isEmpty()) {
            throw new IllegalArgumentException("reviews: expected at least one review to measure accuracy on");
        }
        long correct = reviews.stream().filter(r -> (score(r.text()) > 0) == r.positive()).count();
        return (double) correct / reviews.size();
    }
}
