package prefdyn.reference.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Learns a byte-level BPE vocabulary from a corpus, the way GPT-2's was made (Radford et al. 2019, §2.2; Sennrich
 * et al. 2016, Algorithm 1), and in the form {@link BpeTokenizer} reads.
 *
 * <ol>
 *   <li>Each text is cut by {@link Gpt2PreTokenizer}; each piece becomes its UTF-8 bytes, and identical pieces
 *       are counted once with their frequency. Merges never cross two pieces.</li>
 *   <li>The alphabet is the 256 bytes: ids 0–255 are byte values 0–255 (as in {@link ByteTokenizer}), written as
 *       their {@link ByteToUnicode} characters.</li>
 *   <li>Repeatedly, the adjacent pair that occurs most often (summed over pieces, weighted by frequency, every
 *       position counted) becomes a new symbol with the next id; ties go to the smallest left id, then the
 *       smallest right id. Every occurrence of the pair is joined, left to right without overlap.</li>
 *   <li>After {@code mergeCount} merges (or when no pair is left), {@value BpeTokenizer#END_OF_TEXT_TEXT} takes
 *       the last id: V = 256 + merges + 1.</li>
 * </ol>
 * Nothing is random: the result depends only on the multiset of texts, not on their order.
 *
 * <p>Counting is incremental: a merge revisits only the pieces that hold its pair (an index from pair to pieces)
 * and changes the counts of the pairs around each joined occurrence; a priority queue with lazy deletion finds
 * the most frequent pair.
 */
public final class BpeTrainer {

    private BpeTrainer() {
    }

    /**
     * Trains on {@code texts}.
     *
     * @param mergeCount the number of merges to learn, at least 0
     */
    public static BpeTokenizer train(Iterable<String> texts, int mergeCount) {
        if (mergeCount < 0) {
            throw new IllegalArgumentException("mergeCount must be at least 0, got " + mergeCount);
        }
        Map<String, Integer> pieceCounts = new HashMap<>();
        for (String text : texts) {
            for (String piece : Gpt2PreTokenizer.split(text)) {
                pieceCounts.merge(piece, 1, Integer::sum);
            }
        }
        Corpus corpus = new Corpus(pieceCounts);

        List<String> symbols = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            symbols.add(String.valueOf(ByteToUnicode.charOf(b)));
        }
        List<BpeMerges.Merge> merges = new ArrayList<>();
        for (int m = 0; m < mergeCount; m++) {
            long pair = corpus.mostFrequentPair();
            if (pair < 0) {
                break;
            }
            int left = (int) (pair >>> 32);
            int right = (int) pair;
            int made = symbols.size();
            merges.add(new BpeMerges.Merge(symbols.get(left), symbols.get(right)));
            symbols.add(symbols.get(left) + symbols.get(right));
            corpus.join(left, right, made);
        }
        symbols.add(BpeTokenizer.END_OF_TEXT_TEXT);
        return new BpeTokenizer(symbols, new BpeMerges(merges));
    }

    /** The distinct pieces as id sequences, their frequencies, and the pair counts and index over them. */
    private static final class Corpus {
        private final int[][] words;
        private final long[] frequency;
        /** Pair (left << 32 | right) → weighted number of positions where it occurs now. */
        private final Map<Long, Long> pairCount = new HashMap<>();
        /** Pair → the pieces that held it at some time (a superset of those that hold it now, repeats allowed). */
        private final Map<Long, IntList> piecesWith = new HashMap<>();
        /** Candidate (count, pair) entries; an entry is stale when the pair's count has changed since. */
        private final PriorityQueue<long[]> queue = new PriorityQueue<>(Corpus::byCountThenPair);
        /** Per piece, the merge step at which it was last rewritten, so a piece is rewritten once a step. */
        private final int[] visitedAt;
        private int step;

        Corpus(Map<String, Integer> pieceCounts) {
            List<String> pieces = new ArrayList<>(pieceCounts.keySet());
            pieces.sort(null); // a fixed order, so the index lists (and so nothing else) are reproducible
            words = new int[pieces.size()][];
            frequency = new long[pieces.size()];
            visitedAt = new int[pieces.size()];
            for (int w = 0; w < words.length; w++) {
                byte[] bytes = pieces.get(w).getBytes(StandardCharsets.UTF_8);
                words[w] = new int[bytes.length];
                for (int i = 0; i < bytes.length; i++) {
                    words[w][i] = bytes[i] & 0xff;
                }
                frequency[w] = pieceCounts.get(pieces.get(w));
                for (int i = 0; i + 1 < words[w].length; i++) {
                    long pair = pair(words[w][i], words[w][i + 1]);
                    pairCount.merge(pair, frequency[w], Long::sum);
                    piecesWith.computeIfAbsent(pair, p -> new IntList()).add(w);
                }
            }
            for (Map.Entry<Long, Long> entry : pairCount.entrySet()) {
                queue.add(new long[] {entry.getValue(), entry.getKey()});
            }
        }

        /** The pair with the highest count (ties: smallest left, then right id), or -1 if none occurs. */
        long mostFrequentPair() {
            while (!queue.isEmpty()) {
                long[] top = queue.peek();
                Long now = pairCount.get(top[1]);
                if (now != null && now == top[0] && now > 0) {
                    return top[1];
                }
                queue.poll();
            }
            return -1;
        }

        /** Joins every occurrence of (left, right) into {@code made}, updating the counts around each one. */
        void join(int left, int right, int made) {
            step++;
            long joined = pair(left, right);
            Map<Long, Long> changes = new HashMap<>();
            IntList holders = piecesWith.remove(joined);
            for (int k = 0; k < holders.size; k++) {
                int w = holders.values[k];
                if (visitedAt[w] == step) {
                    continue;
                }
                visitedAt[w] = step;
                int[] word = words[w];
                long f = frequency[w];
                int[] rewritten = new int[word.length];
                int length = 0;
                int i = 0;
                boolean changed = false;
                while (i < word.length) {
                    if (i + 1 < word.length && word[i] == left && word[i + 1] == right) {
                        rewritten[length++] = made;
                        i += 2;
                        changed = true;
                    } else {
                        rewritten[length++] = word[i++];
                    }
                }
                if (!changed) {
                    continue;
                }
                for (int j = 0; j + 1 < word.length; j++) {
                    changes.merge(pair(word[j], word[j + 1]), -f, Long::sum);
                }
                int[] shorter = Arrays.copyOf(rewritten, length);
                for (int j = 0; j + 1 < shorter.length; j++) {
                    long p = pair(shorter[j], shorter[j + 1]);
                    changes.merge(p, f, Long::sum);
                    if (shorter[j] == made || shorter[j + 1] == made) {
                        piecesWith.computeIfAbsent(p, q -> new IntList()).add(w);
                    }
                }
                words[w] = shorter;
            }
            List<Long> changed = new ArrayList<>(changes.keySet());
            changed.sort(null);
            for (long p : changed) {
                long delta = changes.get(p);
                if (delta == 0) {
                    continue;
                }
                long now = pairCount.merge(p, delta, Long::sum);
                if (now == 0) {
                    pairCount.remove(p);
                } else {
                    queue.add(new long[] {now, p});
                }
            }
        }

        private static long pair(int left, int right) {
            return ((long) left << 32) | right;
        }

        /** Higher count first; then smaller left id, then smaller right id (the pair's long order). */
        private static int byCountThenPair(long[] a, long[] b) {
            int byCount = Long.compare(b[0], a[0]);
            return byCount != 0 ? byCount : Long.compare(a[1], b[1]);
        }
    }

    /** A growable list of ints. */
    private static final class IntList {
        int[] values = new int[4];
        int size;

        void add(int value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }
    }
}
