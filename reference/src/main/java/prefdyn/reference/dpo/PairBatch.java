package prefdyn.reference.dpo;

import prefdyn.reference.data.PromptResponse;
import prefdyn.reference.data.SequenceBatches;
import prefdyn.reference.engine.BackwardSeeds;
import prefdyn.reference.engine.TokenBatch;

import java.util.ArrayList;
import java.util.List;

/**
 * P preference pairs laid out as one batch of 2P rows, as TRL concatenates them: rows 0..P−1 are (x, y⁺_i) and
 * rows P..2P−1 are (x, y⁻_i). Responses longer than the context are cut at the end (keep-start truncation).
 */
public final class PairBatch {

    private final int pairCount;
    private final TokenBatch batch;

    public PairBatch(List<PreferenceExample> pairs, int contextLength) {
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("a pair batch needs at least one pair");
        }
        this.pairCount = pairs.size();
        List<PromptResponse> rows = new ArrayList<>();
        for (PreferenceExample pair : pairs) {
            rows.add(SequenceBatches.truncateResponse(pair.chosenSequence(), contextLength));
        }
        for (PreferenceExample pair : pairs) {
            rows.add(SequenceBatches.truncateResponse(pair.rejectedSequence(), contextLength));
        }
        this.batch = SequenceBatches.of(rows, contextLength);
    }

    /** P, the number of pairs. */
    public int pairCount() {
        return pairCount;
    }

    /** The 2P-row batch: chosen rows first, then rejected rows. */
    public TokenBatch batch() {
        return batch;
    }

    public int chosenRow(int pair) {
        return pair;
    }

    public int rejectedRow(int pair) {
        return pairCount + pair;
    }

    /** [P] lp(y⁺_i | x_i) from a forward of {@link #batch()}'s per-sequence log-probs [2P]. */
    public double[] chosen(double[] sequenceValues) {
        return java.util.Arrays.copyOfRange(sequenceValues, 0, pairCount);
    }

    /** [P] lp(y⁻_i | x_i) from a forward of {@link #batch()}'s per-sequence log-probs [2P]. */
    public double[] rejected(double[] sequenceValues) {
        return java.util.Arrays.copyOfRange(sequenceValues, pairCount, 2 * pairCount);
    }

    /** [P] the number of response tokens of y⁺_i (after truncation). */
    public int[] chosenLengths() {
        int[] lengths = new int[pairCount];
        for (int i = 0; i < pairCount; i++) {
            lengths[i] = batch.responseTokenCount(chosenRow(i));
        }
        return lengths;
    }

    /** [P] the number of response tokens of y⁻_i (after truncation). */
    public int[] rejectedLengths() {
        int[] lengths = new int[pairCount];
        for (int i = 0; i < pairCount; i++) {
            lengths[i] = batch.responseTokenCount(rejectedRow(i));
        }
        return lengths;
    }

    /**
     * Seeds for backward of L = Σ_i (chosenCoefficient[i]·lp⁺_i + rejectedCoefficient[i]·lp⁻_i): every response
     * token of row i gets that row's coefficient, since ∂lp/∂logp_t = 1 on response tokens.
     *
     * @param chosenCoefficient   [P] ∂L/∂lp⁺_i
     * @param rejectedCoefficient [P] ∂L/∂lp⁻_i
     */
    public BackwardSeeds seeds(double[] chosenCoefficient, double[] rejectedCoefficient) {
        double[][] seeds = new double[2 * pairCount][batch.width()];
        for (int i = 0; i < pairCount; i++) {
            fillResponse(seeds[chosenRow(i)], chosenRow(i), chosenCoefficient[i]);
            fillResponse(seeds[rejectedRow(i)], rejectedRow(i), rejectedCoefficient[i]);
        }
        return BackwardSeeds.ofTokenLogProbs(seeds);
    }

    private void fillResponse(double[] row, int b, double coefficient) {
        boolean[] mask = batch.responseMask()[b];
        for (int t = 0; t < row.length; t++) {
            row[t] = mask[t] ? coefficient : 0.0;
        }
    }
}
