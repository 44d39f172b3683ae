package prefdyn.reference.dpo;

import prefdyn.reference.engine.ForwardResult;
import prefdyn.reference.engine.PolicyEngine;

import java.util.List;

/**
 * lp_ref(y⁺) and lp_ref(y⁻) of every pair of a dataset, computed once by the frozen reference model and cached
 * (TRL's {@code precompute_ref_log_probs}). The reference never changes during DPO, so the cache is exact.
 *
 * @param chosen   [N] lp_ref(y⁺_i | x_i)
 * @param rejected [N] lp_ref(y⁻_i | x_i)
 */
public record ReferenceLogProbs(double[] chosen, double[] rejected) {

    /** Runs the reference over all pairs, {@code batchPairs} at a time. */
    public static ReferenceLogProbs compute(PolicyEngine reference, List<PreferenceExample> pairs, int batchPairs) {
        double[] chosen = new double[pairs.size()];
        double[] rejected = new double[pairs.size()];
        for (int start = 0; start < pairs.size(); start += batchPairs) {
            List<PreferenceExample> slice = pairs.subList(start, Math.min(pairs.size(), start + batchPairs));
            PairBatch batch = new PairBatch(slice, reference.config().contextLength());
            ForwardResult result = reference.forward(batch.batch());
            double[] sliceChosen = batch.chosen(result.sequenceLogProbs());
            double[] sliceRejected = batch.rejected(result.sequenceLogProbs());
            System.arraycopy(sliceChosen, 0, chosen, start, slice.size());
            System.arraycopy(sliceRejected, 0, rejected, start, slice.size());
        }
        return new ReferenceLogProbs(chosen, rejected);
    }

    /** [k] the cached values of the chosen responses at the given dataset indices. */
    public double[] chosenAt(int[] indices) {
        return pick(chosen, indices);
    }

    /** [k] the cached values of the rejected responses at the given dataset indices. */
    public double[] rejectedAt(int[] indices) {
        return pick(rejected, indices);
    }

    private static double[] pick(double[] values, int[] indices) {
        double[] picked = new double[indices.length];
        for (int k = 0; k < indices.length; k++) {
            picked[k] = values[indices[k]];
        }
        return picked;
    }
}
