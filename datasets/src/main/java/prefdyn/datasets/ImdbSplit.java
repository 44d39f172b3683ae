package prefdyn.datasets;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The two disjoint halves of the cleaned IMDb reviews.
 *
 * <ul>
 *   <li><b>Half A</b> trains the policy (the SFT corpus and training prompts) and the training reward
 *       ({@link NaiveBayesSentiment}).</li>
 *   <li><b>Half B</b> is held out: it calibrates the judge, measures the reward's accuracy, and gives the
 *       evaluation prompts.</li>
 * </ul>
 *
 * <p>The split is stratified by label and seeded: with {@code random = new Random(seed)}, the negative reviews
 * (in input order) are shuffled with {@link SeededShuffle}, then the positive ones; the first ⌈n/2⌉ of each go to
 * half A and the rest to half B; finally half A is shuffled, then half B, so that labels are mixed in each file.
 * All draws come from that one generator, in that order.
 *
 * @param halfA policy and reward training
 * @param halfB held out for the judge and for evaluation
 */
public record ImdbSplit(List<Review> halfA, List<Review> halfB) {

    /** The seed of the published split and sample (2512.00778, the paper's arXiv number, abbreviated). */
    public static final long DEFAULT_SEED = 778L;

    public ImdbSplit {
        halfA = List.copyOf(halfA);
        halfB = List.copyOf(halfB);
    }

    /**
     * Splits reviews whose texts are distinct.
     *
     * @throws IllegalArgumentException if two reviews share a text (clean and de-duplicate first)
     */
    public static ImdbSplit of(List<Review> uniqueReviews, long seed) {
        Set<String> texts = new HashSet<>();
        List<Review> negative = new ArrayList<>();
        List<Review> positive = new ArrayList<>();
        for (int i = 0; i < uniqueReviews.size(); i++) {
            Review review = uniqueReviews.get(i);
            if (!texts.add(review.text())) {
                throw new IllegalArgumentException("review " + i + " repeats an earlier text; expected distinct texts"
                        + " (use ReviewCleaner.cleanAndDeduplicate first)");
            }
            (review.positive() ? positive : negative).add(review);
        }
        Random random = new Random(seed);
        List<Review> halfA = new ArrayList<>();
        List<Review> halfB = new ArrayList<>();
        for (List<Review> stratum : List.of(negative, positive)) {
            List<Review> shuffled = SeededShuffle.shuffled(stratum, random);
            int cut = (shuffled.size() + 1) / 2;
            halfA.addAll(shuffled.subList(0, cut));
            halfB.addAll(shuffled.subList(cut, shuffled.size()));
        }
        return new ImdbSplit(SeededShuffle.shuffled(halfA, random), SeededShuffle.shuffled(halfB, random));
    }

    /**
     * The whole preparation from the fetched package: read {@code reviews.json}, clean, de-duplicate, split.
     *
     * @param rawDir the folder {@code datasets/scripts/fetch-imdb.sh} filled
     */
    public static ImdbSplit prepare(Path rawDir, long seed) throws IOException {
        return of(ReviewCleaner.cleanAndDeduplicate(ImdbPackage.read(ImdbPackage.reviewsJson(rawDir))), seed);
    }

    /**
     * A balanced sub-sample: from each half, the first {@code perLabel} negative and the first {@code perLabel}
     * positive reviews in the half's order, kept in that order. This is how the committed sample is cut from the
     * full split.
     *
     * @throws IllegalArgumentException if a half has fewer than {@code perLabel} reviews of a label
     */
    public ImdbSplit balancedSample(int perLabel) {
        return new ImdbSplit(firstOfEachLabel(halfA, perLabel, "half A"), firstOfEachLabel(halfB, perLabel, "half B"));
    }

    private static List<Review> firstOfEachLabel(List<Review> half, int perLabel, String name) {
        List<Review> sample = new ArrayList<>();
        int[] taken = new int[2];
        for (Review review : half) {
            if (taken[review.label()] < perLabel) {
                taken[review.label()]++;
                sample.add(review);
            }
        }
        if (taken[0] < perLabel || taken[1] < perLabel) {
            throw new IllegalArgumentException(name + " has " + taken[0] + " negative and " + taken[1]
                    + " positive reviews; expected at least " + perLabel + " of each");
        }
        return sample;
    }

    /** The texts of half A: the SFT corpus. */
    public List<String> sftCorpus() {
        return halfA.stream().map(Review::text).toList();
    }
}
