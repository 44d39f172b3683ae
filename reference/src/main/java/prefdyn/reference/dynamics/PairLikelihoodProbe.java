package prefdyn.reference.dynamics;

import prefdyn.reference.dpo.PairBatch;
import prefdyn.reference.dpo.PreferenceExample;
import prefdyn.reference.dpo.ReferenceLogProbs;
import prefdyn.reference.engine.ForwardResult;
import prefdyn.reference.engine.PolicyEngine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Likelihood displacement (Razin et al. 2024) on a fixed set of pairs: the mean lp(y⁺) and lp(y⁻) of the policy,
 * and the ranking accuracy of DPO's implicit reward, mean 1[(lp⁺ − lp_ref⁺) &gt; (lp⁻ − lp_ref⁻)]. Run on the
 * training pairs and on held-out pairs, it shows whether both likelihoods fall while their gap grows.
 *
 * <p>Values: {@code <name>/logps/chosen}, {@code <name>/logps/rejected}, {@code <name>/ranking_accuracy},
 * {@code <name>/margin} (mean of the log-ratio margin Δ).
 */
public final class PairLikelihoodProbe implements Probe {

    private final String name;
    private final List<PreferenceExample> pairs;
    private final ReferenceLogProbs reference;
    private final int batchPairs;

    public PairLikelihoodProbe(String name, List<PreferenceExample> pairs, ReferenceLogProbs reference, int batchPairs) {
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("probe '" + name + "' has no pairs");
        }
        this.name = name;
        this.pairs = List.copyOf(pairs);
        this.reference = reference;
        this.batchPairs = batchPairs;
    }

    @Override
    public Map<String, Double> measure(PolicyEngine policy) {
        double chosen = 0;
        double rejected = 0;
        double correct = 0;
        double margin = 0;
        for (int start = 0; start < pairs.size(); start += batchPairs) {
            List<PreferenceExample> slice = pairs.subList(start, Math.min(pairs.size(), start + batchPairs));
            PairBatch batch = new PairBatch(slice, policy.config().contextLength());
            ForwardResult result = policy.forward(batch.batch());
            double[] sliceChosen = batch.chosen(result.sequenceLogProbs());
            double[] sliceRejected = batch.rejected(result.sequenceLogProbs());
            for (int i = 0; i < slice.size(); i++) {
                double delta = (sliceChosen[i] - reference.chosen()[start + i])
                        - (sliceRejected[i] - reference.rejected()[start + i]);
                chosen += sliceChosen[i];
                rejected += sliceRejected[i];
                correct += delta > 0 ? 1 : 0;
                margin += delta;
            }
        }
        int n = pairs.size();
        Map<String, Double> values = new LinkedHashMap<>();
        values.put(name + "/logps/chosen", chosen / n);
        values.put(name + "/logps/rejected", rejected / n);
        values.put(name + "/ranking_accuracy", correct / n);
        values.put(name + "/margin", margin / n);
        return values;
    }
}
