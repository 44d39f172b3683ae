package prefdyn.reference.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An ordered list of BPE merges, each joining two adjacent symbols into one; a merge's position in the list is
 * its rank, and a lower rank is applied first ({@code bpe_ranks} and {@code bpe} in OpenAI's
 * {@code gpt-2/src/encoder.py}; the lines of Hugging Face's {@code merges.txt}).
 *
 * <p>Symbols are strings of {@link ByteToUnicode} characters, so no symbol contains a space and a merge is
 * written as {@code "left right"}.
 */
public final class BpeMerges {

    /** One merge: {@code left} and {@code right}, adjacent, become {@code left + right}. */
    public record Merge(String left, String right) {
        /** The symbol the merge makes. */
        public String merged() {
            return left + right;
        }
    }

    private final List<Merge> merges;
    private final Map<String, Integer> rankOfPair;

    /**
     * @throws IllegalArgumentException if a pair occurs twice
     */
    public BpeMerges(List<Merge> merges) {
        this.merges = List.copyOf(merges);
        this.rankOfPair = new HashMap<>();
        for (int rank = 0; rank < this.merges.size(); rank++) {
            Merge merge = this.merges.get(rank);
            Integer earlier = rankOfPair.putIfAbsent(key(merge.left(), merge.right()), rank);
            if (earlier != null) {
                throw new IllegalArgumentException("merge " + rank + " (" + merge.left() + " " + merge.right()
                        + ") repeats merge " + earlier);
            }
        }
    }

    /** The merges, in rank order. */
    public List<Merge> list() {
        return merges;
    }

    /** The number of merges. */
    public int size() {
        return merges.size();
    }

    /**
     * Applies the merges to one pre-tokenised piece, as {@code encoder.py}'s {@code bpe} does: start from single
     * characters; repeatedly take the adjacent pair of lowest rank and join every occurrence of it, left to right
     * without overlap; stop when no adjacent pair is a merge.
     *
     * @param piece {@link ByteToUnicode} characters of one piece, not empty
     * @return the symbols the piece ends as, in order
     */
    public List<String> apply(String piece) {
        List<String> symbols = new ArrayList<>(piece.length());
        for (int i = 0; i < piece.length(); i++) {
            symbols.add(String.valueOf(piece.charAt(i)));
        }
        while (symbols.size() > 1) {
            int bestRank = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < symbols.size(); i++) {
                Integer rank = rankOfPair.get(key(symbols.get(i), symbols.get(i + 1)));
                if (rank != null && rank < bestRank) {
                    bestRank = rank;
                }
            }
            if (bestRank == Integer.MAX_VALUE) {
                break;
            }
            symbols = joinAll(symbols, merges.get(bestRank));
        }
        return symbols;
    }

    /** {@code symbols} with every occurrence of the merge's pair joined, left to right without overlap. */
    private static List<String> joinAll(List<String> symbols, Merge merge) {
        List<String> joined = new ArrayList<>(symbols.size());
        int i = 0;
        while (i < symbols.size()) {
            if (i + 1 < symbols.size() && symbols.get(i).equals(merge.left())
                    && symbols.get(i + 1).equals(merge.right())) {
                joined.add(merge.merged());
                i += 2;
            } else {
                joined.add(symbols.get(i));
                i++;
            }
        }
        return joined;
    }

    private static String key(String left, String right) {
        return left + ' ' + right;
    }
}
