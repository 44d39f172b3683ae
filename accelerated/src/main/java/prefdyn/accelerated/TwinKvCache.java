package prefdyn.accelerated;

import prefdyn.reference.model.GptConfig;

/**
 * Where the twin's KV cache of one sampling session lives on the device, and how much of it is filled: the twin of
 * the reference's {@code model.KvCache}, as offsets into the program's {@code kvCache} buffer instead of arrays.
 * Block l's keys and values are each [S,maxT,C]: position t of cached sequence s, channel c, at
 * {@code keys(l) + (s·maxT + t)·C + c}.
 *
 * <p>Why a buffer of its own rather than a region of the activation arena: the arena's first floats belong to the
 * training forward that backward differentiates, and a forward may grow the arena and re-create it without
 * keeping anything else, so a cache there would have to be moved and protected at every call. In its own buffer
 * it is written only by the session's own launches ({@code storeKeysValues}); forwards, backwards and
 * {@code nextTokenLogProbs} between two steps cannot touch it. Aparapi binds the buffer to the one program like
 * the others (a field of {@code TwinBuffers}); the engine has one, so one session at a time owns it (the newest;
 * see {@link #generation}).
 */
final class TwinKvCache {

    final int layers;          // L
    final int sequences;       // S
    final int contextLength;   // maxT
    final int channels;        // C
    /** Which session of its engine this cache belongs to: a later session re-uses the buffer. */
    final long generation;
    /** [S] positions of each sequence stored so far (0 before its prompt pass). */
    private final int[] lengths;

    TwinKvCache(GptConfig config, int sequences, long generation) {
        this.layers = config.numLayers();
        this.sequences = sequences;
        this.contextLength = config.contextLength();
        this.channels = config.channels();
        this.generation = generation;
        this.lengths = new int[sequences];
    }

    /** Floats of one block's keys (or values): [S,maxT,C]. */
    int tensorSize() {
        return sequences * contextLength * channels;
    }

    /** Floats the whole cache needs: L blocks × keys and values. */
    int size() {
        return layers * 2 * tensorSize();
    }

    /** Offset of block l's keys [S,maxT,C] in the kvCache buffer. */
    int keys(int layer) {
        return layer * 2 * tensorSize();
    }

    /** Offset of block l's values [S,maxT,C] in the kvCache buffer, right after its keys. */
    int values(int layer) {
        return keys(layer) + tensorSize();
    }

    /** How many positions of {@code sequence} are stored: the position its next token takes. */
    int length(int sequence) {
        return lengths[sequence];
    }

    /** Records that positions 0..lengths[b]−1 of cached sequence cacheSequences[b] are stored (a prompt pass). */
    void setLengths(int[] cacheSequences, int[] lengths) {
        for (int b = 0; b < cacheSequences.length; b++) {
            this.lengths[cacheSequences[b]] = lengths[b];
        }
    }

    /** Records one more stored position of each listed sequence (a sampling step). */
    void advance(int[] cacheSequences) {
        for (int sequence : cacheSequences) {
            lengths[sequence]++;
        }
    }
}
