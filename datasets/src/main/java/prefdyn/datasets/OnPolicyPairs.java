package prefdyn.datasets;

import prefdyn.reference.engine.PolicyEngine;
import prefdyn.reference.sampling.Sampler;
import prefdyn.reference.sampling.SamplingSettings;
import prefdyn.reference.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * The DPO paper's IMDb protocol for preference pairs (App. C.1): sample k continuations per prompt from the SFT
 * model at temperature 1, score them with the training reward, and keep the best against the worst
 * ({@link BestVsWorstPairs}). Prompts are cut to {@link ImdbModels#promptBudget} tokens and continuations sampled
 * up to {@link ImdbModels#responseBudget}, in the model's tokenizer; a continuation is decoded up to its
 * end-of-text, which the text does not keep (the pair file holds text, as TRL's does; TRL's rules of
 * {@link PairEncoder} append it again).
 */
public final class OnPolicyPairs {

    private OnPolicyPairs() {
    }

    /**
     * @param sft        the sampling model
     * @param tokenizer  its tokenizer
     * @param prompts    review openings
     * @param candidates k, samples per prompt (at least 2)
     * @param seed       seeds the sampling
     */
    public static List<PreferencePair> generate(PolicyEngine sft, Tokenizer tokenizer, List<String> prompts, int candidates, Reward reward,
                                                long seed) {
        if (candidates < 2) {
            throw new IllegalArgumentException("candidates: expected at least 2 samples per prompt, got " + candidates);
        }
        int contextLength = sft.config().contextLength();
        List<int[]> repeated = new ArrayList<>();
        for (String prompt : prompts) {
            int[] tokens = ImdbModels.promptTokens(tokenizer, prompt, contextLength);
            for (int k = 0; k < candidates; k++) {
                repeated.add(tokens);
            }
        }
        List<int[]> samples = Sampler.generate(sft, repeated,
                SamplingSettings.sampled(1.0, ImdbModels.responseBudget(contextLength), tokenizer), seed);
        List<PromptCandidates> grouped = new ArrayList<>();
        for (int p = 0; p < prompts.size(); p++) {
            List<String> continuations = new ArrayList<>();
            for (int k = 0; k < candidates; k++) {
                continuations.add(tokenizer.decodeToEndOfText(samples.get(p * candidates + k)));
            }
            grouped.add(new PromptCandidates(tokenizer.decode(repeated.get(p * candidates)),
                    continuations));
        }
        return BestVsWorstPairs.pairs(grouped, reward);
    }
}
