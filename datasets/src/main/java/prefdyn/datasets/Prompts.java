package prefdyn.datasets;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Prompts in the DPO paper's IMDb protocol (its App. C.1: "prompts are prefixes from the IMDB dataset of length
 * 2–8 tokens"): the opening words of real reviews, which the policy continues with positive sentiment.
 *
 * <p>Here a prefix is counted in whitespace words (the reviews are cleaned, so words are separated by single
 * spaces). With {@code random = new Random(seed)}: the reviews are shuffled with {@link SeededShuffle}, then taken
 * in that order; each draws its length k uniformly from [2, 8] and gives its first k words, provided it has more
 * than k words (a review too short for its draw is passed over). Training prompts come from half A, evaluation
 * prompts from the held-out half B.
 */
public final class Prompts {

    /** The shortest opening, in words. */
    public static final int MIN_WORDS = 2;

    /** The longest opening, in words. */
    public static final int MAX_WORDS = 8;

    private Prompts() {
    }

    /**
     * {@code count} review openings of 2–8 words, from distinct reviews.
     *
     * @throws IllegalArgumentException if the reviews cannot give {@code count} openings
     */
    public static List<String> openings(List<Review> reviews, int count, long seed) {
        if (count < 0) {
            throw new IllegalArgumentException("count: expected a non-negative number of prompts, got " + count);
        }
        Random random = new Random(seed);
        List<String> prompts = new ArrayList<>(count);
        for (Review review : SeededShuffle.shuffled(reviews, random)) {
            if (prompts.size() == count) {
                break;
            }
            int words = MIN_WORDS + random.nextInt(MAX_WORDS - MIN_WORDS + 1);
            String[] split = review.text().split(" ");
            if (split.length > words) {
                prompts.add(String.join(" ", Arrays.asList(split).subList(0, words)));
            }
        }
        if (prompts.size() < count) {
            throw new IllegalArgumentException("reviews: expected enough reviews for " + count + " prompts, got "
                    + prompts.size() + " from " + reviews.size() + " reviews");
        }
        return prompts;
    }

    /** Openings of half A reviews, for training (PPO rollouts, on-policy DPO pairs). */
    public static List<String> training(ImdbSplit split, int count, long seed) {
        return openings(split.halfA(), count, seed);
    }

    /** Openings of held-out half B reviews, for evaluation (win rate, reward-vs-KL, the final responses D′). */
    public static List<String> evaluation(ImdbSplit split, int count, long seed) {
        return openings(split.halfB(), count, seed);
    }
}
