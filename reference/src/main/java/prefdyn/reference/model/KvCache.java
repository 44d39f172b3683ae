package prefdyn.reference.model;

import prefdyn.reference.layers.Attention;

/**
 * The keys and values of every block at every position computed so far, for a fixed set of sequences being
 * sampled: what a new position needs from the earlier ones. In block l, position t of sequence s attends to
 * k_t' = qkv[s,t',C..2C) and v_t' = qkv[s,t',2C..3C) for t' ≤ t only (causal attention), and neither changes
 * when later tokens are appended; so once stored, a sampling step can run just the new position through the
 * blocks ({@link IncrementalForward}) instead of the whole prefix.
 *
 * <p>The values are copies of the qkv rows the forward computed ({@link Attention#storeKeysValues}, no arithmetic),
 * so reading them back gives the full forward's bits.
 */
final class KvCache {

    private final int contextLength;
    private final int channels;
    /** [L][S,maxT,C]: keys[l][(s·maxT + t)·C + c] is channel c of block l's key at position t of sequence s. */
    private final double[][] keys;
    /** [L][S,maxT,C]: the values, laid out like {@link #keys}. */
    private final double[][] values;
    /** [S]: how many positions of each sequence are stored (0 before its prompt pass). */
    private final int[] lengths;

    /** An empty cache for {@code sequences} sequences of up to the context length. */
    KvCache(GptConfig config, int sequences) {
        this.contextLength = config.contextLength();
        this.channels = config.channels();
        this.keys = new double[config.numLayers()][sequences * contextLength * channels];
        this.values = new double[config.numLayers()][sequences * contextLength * channels];
        this.lengths = new int[sequences];
    }

    /** How many positions of {@code sequence} are stored: the position the next token of it will take. */
    int length(int sequence) {
        return lengths[sequence];
    }

    /** Block l's keys [S,maxT,C] (the live array). */
    double[] keys(int layer) {
        return keys[layer];
    }

    /** Block l's values [S,maxT,C] (the live array). */
    double[] values(int layer) {
        return values[layer];
    }

    /** Where position 0 of {@code sequence} starts in {@link #keys} and {@link #values}; position t is t·C further. */
    int sequenceStart(int sequence) {
        return sequence * contextLength * channels;
    }

    /**
     * Stores the keys and values of block {@code layer} at positions 0..lengths[b]−1 of each batch row b as cached
     * sequence {@code cacheSequences[b]}, from the fused projection of a full forward. Call for every block, then
     * {@link #setLengths}.
     *
     * @param qkv            [B,T,3C] block l's fused projection
     * @param cacheSequences [B] the cached sequence of each batch row
     * @param lengths        [B] the real length of each batch row
     */
    void storePrompts(int layer, double[] qkv, int[] cacheSequences, int[] lengths, int B, int T) {
        int R = 0;
        for (int b = 0; b < B; b++) {
            R += lengths[b];
        }
        int[] rows = new int[R];        // [R] row b·T + t of qkv for each real position
        int[] sequences = new int[R];   // [R]
        int[] positions = new int[R];   // [R]
        int r = 0;
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < lengths[b]; t++) {
                rows[r] = b * T + t;
                sequences[r] = cacheSequences[b];
                positions[r] = t;
                r++;
            }
        }
        Attention.storeKeysValues(keys[layer], values[layer], qkv, rows, sequences, positions, R, channels,
                contextLength);
    }

    /**
     * Stores the keys and values of block {@code layer} at one new position per sequence, position
     * {@code length(cacheSequences[n])}, from a sampling step's fused projection. Call for every block, then
     * {@link #advance}.
     *
     * @param qkv            [N,3C] block l's fused projection of the N new positions
     * @param cacheSequences [N] the cached sequence of each row
     */
    void storeNewPositions(int layer, double[] qkv, int[] cacheSequences, int N) {
        int[] rows = new int[N];        // [N] row n of qkv
        int[] positions = new int[N];   // [N] the next free position of each sequence
        for (int n = 0; n < N; n++) {
            rows[n] = n;
            positions[n] = lengths[cacheSequences[n]];
        }
        Attention.storeKeysValues(keys[layer], values[layer], qkv, rows, cacheSequences, positions, N, channels,
                contextLength);
    }

    /** Records that positions 0..lengths[b]−1 of cached sequence cacheSequences[b] are stored (after a prompt pass). */
    void setLengths(int[] cacheSequences, int[] lengths) {
        for (int b = 0; b < cacheSequences.length; b++) {
            this.lengths[cacheSequences[b]] = lengths[b];
        }
    }

    /** Records one more stored position of each listed sequence (after a sampling step). */
    void advance(int[] cacheSequences) {
        for (int sequence : cacheSequences) {
            lengths[sequence]++;
        }
    }

    /** The longest sequence the cache holds: the context length. */
    int contextLength() {
        return contextLength;
    }
}
