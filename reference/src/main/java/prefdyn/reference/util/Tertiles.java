package prefdyn.reference.util;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Splits n values into three equal-sized groups by rank, as the paper's "top / middle / bottom" groups of ω (DPO)
 * or |Â| (PPO): sort ascending (ties broken by index, so the split is deterministic), then rank r goes to group
 * ⌊3r/n⌋ — 0 = bottom, 1 = middle, 2 = top. Group sizes differ by at most one and every index is in exactly one.
 */
public final class Tertiles {

    public static final int BOTTOM = 0;
    public static final int MIDDLE = 1;
    public static final int TOP = 2;
    public static final String[] NAMES = {"bottom", "middle", "top"};

    private Tertiles() {
    }

    /**
     * @param values [n] finite values
     * @return [n] the group of each value: {@link #BOTTOM}, {@link #MIDDLE} or {@link #TOP}
     */
    public static int[] assign(double[] values) {
        int n = values.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(values[i])) {
                throw new IllegalArgumentException("cannot rank NaN (value " + i + ")");
            }
            order[i] = i;
        }
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> values[i]).thenComparingInt(i -> i));
        int[] groups = new int[n];
        for (int rank = 0; rank < n; rank++) {
            groups[order[rank]] = (int) ((3L * rank) / n);
        }
        return groups;
    }
}
