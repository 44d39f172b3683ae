package prefdyn.reference.dynamics;

import prefdyn.reference.data.PromptResponse;
import prefdyn.reference.data.SequenceBatches;
import prefdyn.reference.engine.ForwardResult;
import prefdyn.reference.engine.PolicyEngine;
import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.ppo.RewardFunction;
import prefdyn.reference.sampling.Sampler;
import prefdyn.reference.sampling.SamplingSettings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the policy does on held-out prompts at θ(t): it samples one continuation per prompt (seeded, so every
 * measurement uses the same random numbers) and reports
 * <ul>
 *   <li>{@code samples/entropy} and {@code samples/max_prob}: the mean entropy and largest probability of the
 *       next-token distributions along the samples (the squeezing effect of Ren &amp; Sutherland shows as rising
 *       max-prob);</li>
 *   <li>{@code samples/kl}: KL(π‖π_ref) estimated as mean over samples of lp_π(y) − lp_ref(y) (unbiased for
 *       samples drawn from π at temperature 1; the k1 estimator);</li>
 *   <li>{@code samples/length}: mean response length in tokens;</li>
 *   <li>{@code samples/<scorer>}: the mean of each scorer (e.g. the training reward and the held-out judge).</li>
 * </ul>
 */
public final class SampleProbe implements Probe {

    private final List<int[]> prompts;
    private final SamplingSettings sampling;
    private final long seed;
    private final PolicyEngine reference;
    private final Map<String, RewardFunction> scorers;

    public SampleProbe(List<int[]> prompts, SamplingSettings sampling, long seed, PolicyEngine reference,
                       Map<String, RewardFunction> scorers) {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("the sample probe needs at least one prompt");
        }
        this.prompts = List.copyOf(prompts);
        this.sampling = sampling;
        this.seed = seed;
        this.reference = reference;
        this.scorers = new LinkedHashMap<>(scorers);
    }

    @Override
    public Map<String, Double> measure(PolicyEngine policy) {
        List<int[]> responses = Sampler.generate(policy, prompts, sampling, seed);
        List<PromptResponse> samples = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            samples.add(new PromptResponse(prompts.get(i), responses.get(i)));
        }
        TokenBatch batch = SequenceBatches.of(samples, policy.config().contextLength());
        ForwardResult own = policy.forward(batch);
        ForwardResult ref = reference.forward(batch);
        double entropy = 0;
        double maxProb = 0;
        int tokens = 0;
        double kl = 0;
        for (int b = 0; b < batch.batchSize(); b++) {
            kl += own.sequenceLogProbs()[b] - ref.sequenceLogProbs()[b];
            for (int t = 0; t < batch.width(); t++) {
                if (batch.responseMask()[b][t]) {
                    entropy += own.entropies()[b][t];
                    maxProb += own.maxProbs()[b][t];
                    tokens++;
                }
            }
        }
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("samples/entropy", entropy / tokens);
        values.put("samples/max_prob", maxProb / tokens);
        values.put("samples/kl", kl / samples.size());
        values.put("samples/length", tokens / (double) samples.size());
        for (Map.Entry<String, RewardFunction> scorer : scorers.entrySet()) {
            double[] scores = scorer.getValue().score(samples);
            double sum = 0;
            for (double score : scores) {
                sum += score;
            }
            values.put("samples/" + scorer.getKey(), sum / scores.length);
        }
        return values;
    }
}
