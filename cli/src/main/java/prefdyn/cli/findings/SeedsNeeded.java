package prefdyn.cli.findings;

import org.apache.commons.math3.distribution.TDistribution;

/**
 * A planning estimate of how many seeds a statistic needs, with the seeds at hand treated as a pilot: the smallest
 * n ≥ 2 whose 95% Student-t interval ({@link SeedStatistics#of}) would exclude the threshold if the true mean were
 * the pilot's mean m and the spread the pilot's sample standard deviation s,
 *
 * <pre>  |m − threshold| &gt; t<sub>0.975, n−1</sub> · s / √n.</pre>
 *
 * The right side falls as n grows, so the first n that meets it is the answer. It is an estimate, not a guarantee:
 * s is itself uncertain (with five seeds it can be off by a factor of two), and with the true effect equal to m
 * an interval at that n excludes the threshold only about half of the time (the usual power calculation asks for
 * more). An effect of zero, or on the side opposite to the prediction, needs {@link Kind#NEVER never} seeds; the
 * search stops at {@link #CAP}.
 */
final class SeedsNeeded {

    /** The most seeds searched; beyond it the estimate says "&gt; CAP". */
    static final int CAP = 1000;

    /** What the estimate found. */
    enum Kind {
        /** {@link Estimate#seeds} seeds suffice. */
        SEEDS,
        /** The pilot's effect is zero or on the wrong side: no number of seeds excludes the threshold. */
        NEVER,
        /** More than {@link #CAP} seeds. */
        BEYOND_CAP,
        /** Fewer than two finite pilot values: no spread to plan from. */
        UNKNOWN
    }

    /** The estimate; {@code seeds} is meaningful for {@link Kind#SEEDS} only (0 otherwise). */
    record Estimate(Kind kind, int seeds) {

        /** "7", "never", "&gt; 1000", or "—" (fewer than two seeds). */
        String text() {
            return switch (kind) {
                case SEEDS -> String.valueOf(seeds);
                case NEVER -> "never";
                case BEYOND_CAP -> "> " + CAP;
                case UNKNOWN -> "—";
            };
        }
    }

    private SeedsNeeded() {
    }

    /**
     * The estimate for a pilot.
     *
     * @param pilot     [seeds] one value per seed (NaN entries are left out, as in {@link SeedStatistics#of})
     * @param threshold the threshold the interval should exclude
     * @param side      +1: the prediction is above the threshold, −1: below, 0: away from it on either side
     */
    static Estimate of(double[] pilot, double threshold, int side) {
        int n = 0;
        double sum = 0;
        for (double value : pilot) {
            if (Double.isFinite(value)) {
                n++;
                sum += value;
            }
        }
        if (n < 2) {
            return new Estimate(Kind.UNKNOWN, 0);
        }
        double mean = sum / n;
        double squares = 0;
        for (double value : pilot) {
            if (Double.isFinite(value)) {
                squares += (value - mean) * (value - mean);
            }
        }
        return of(mean - threshold, Math.sqrt(squares / (n - 1)), side);
    }

    /**
     * The estimate for an effect and a spread.
     *
     * @param effect mean − threshold
     * @param sd     the standard deviation across seeds (≥ 0)
     * @param side   +1 above, −1 below, 0 either side (see {@link #of(double[], double, int)})
     */
    static Estimate of(double effect, double sd, int side) {
        if (!Double.isFinite(effect) || !Double.isFinite(sd) || sd < 0) {
            return new Estimate(Kind.UNKNOWN, 0);
        }
        double towards = side == 0 ? Math.abs(effect) : Math.signum(side) * effect;
        if (!(towards > 0)) {
            return new Estimate(Kind.NEVER, 0);
        }
        for (int seeds = 2; seeds <= CAP; seeds++) {
            double t = new TDistribution(null, seeds - 1)
                    .inverseCumulativeProbability(0.5 + SeedStatistics.CONFIDENCE / 2);
            if (towards > t * sd / Math.sqrt(seeds)) {
                return new Estimate(Kind.SEEDS, seeds);
            }
        }
        return new Estimate(Kind.BEYOND_CAP, 0);
    }
}
