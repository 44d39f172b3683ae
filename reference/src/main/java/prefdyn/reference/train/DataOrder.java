package prefdyn.reference.train;

import java.util.Random;

/**
 * The seeded order in which a trainer visits a dataset of n examples: epoch e is a Fisher–Yates shuffle drawn
 * from {@code new Random(seed · 1_000_003 + e)}, and step t takes the {@code batchSize} examples at positions
 * [t·batchSize, (t+1)·batchSize) of the concatenated epochs. A step's batch D_t is therefore a pure function of
 * (seed, n, batchSize, t): the dynamics analysis can rebuild exactly the batch a past step trained on.
 */
public final class DataOrder {

    private final int size;
    private final int batchSize;
    private final long seed;

    public DataOrder(int size, int batchSize, long seed) {
        if (size < 1) {
            throw new IllegalArgumentException("cannot train on an empty dataset");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        this.size = size;
        this.batchSize = batchSize;
        this.seed = seed;
    }

    /** [batchSize] the dataset indices of step t's batch, in order. */
    public int[] batch(long step) {
        int[] indices = new int[batchSize];
        long first = step * batchSize;
        int cachedEpoch = -1;
        int[] permutation = null;
        for (int k = 0; k < batchSize; k++) {
            long position = first + k;
            int epoch = (int) (position / size);
            if (epoch != cachedEpoch) {
                permutation = permutation(epoch);
                cachedEpoch = epoch;
            }
            indices[k] = permutation[(int) (position % size)];
        }
        return indices;
    }

    /** [n] the visiting order of one epoch. */
    public int[] permutation(int epoch) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        Random random = new Random(seed * 1_000_003L + epoch);
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }
}
