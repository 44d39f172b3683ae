package prefdyn.datasets;

import prefdyn.reference.dpo.PreferenceExample;
import prefdyn.reference.engine.PolicyEngine;
import prefdyn.reference.sampling.Sampler;
import prefdyn.reference.sampling.SamplingSettings;
import prefdyn.reference.tokenizer.ByteTokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * The DPO paper's IMDb protocol for preference pairs (App. C.1): sample k continuations per prompt from the SFT
 * model at temperature 1, score them with the training reward, and keep the best against the worst
 * ({@link BestVsWorstPairs}). Continuations are decoded from byte tokens; one that ends in end-of-text loses it
 * in the text (the pair file holds text, as TRL's does).
 */
public final class OnPolicyPairs {

    private OnPolicyPairs() {
    }

    /**
     * @param prompts    review openings
     * @param candidates k, samples per prompt (at least 2)
     * @param seed       seeds the sampling
     */
    public static List<PreferencePair> generate(PolicyEngine sft, List<String> prompts, int candidates, Reward reward,
                                                long seed) {
        if (candidates < 2) {
            throw new IllegalArgumentException("candidates: expected at least 2 samples per prompt, got " + candidates);
        }
        List<int[]> repeated = new ArrayList<>();
        for (String prompt : prompts) {
            int[] tokens = ImdbModels.promptTokens(prompt);
            for (int k = 0; k < candidates; k++) {
                repeated.add(tokens);
            }
        }
        List<int[]> samples = Sampler.generate(sft, repeated,
                SamplingSettings.sampled(1.0, ImdbModels.MAX_RESPONSE_BYTES), seed);
        List<PromptCandidates> grouped = new ArrayList<>();
        for (int p = 0; p < prompts.size(); p++) {
            List<String> continuations = new ArrayList<>();
            for (int k = 0; k < candidates; k++) {
                continuations.add(ByteTokenizer.decode(samples.get(p * candidates + k)));
            }
            grouped.add(new PromptCandidates(ByteTokenizer.decode(ImdbModels.promptTokens(prompts.get(p))),
                    continuations));
        }
        return BestVsWorstPairs.pairs(grouped, reward);
    }

    /**
     * Text pairs as token pairs for the trainers: prompt cut to {@link ImdbModels#MAX_PROMPT_BYTES}, responses to
     * {@link ImdbModels#MAX_RESPONSE_BYTES}; a pair whose two responses become identical or empty is dropped.
     */
    public static List<PreferenceExample> toExamples(List<PreferencePair> pairs) {
        List<PreferenceExample> examples = new ArrayList<>();
        for (PreferencePair pair : pairs) {
            int[] prompt = ImdbModels.promptTokens(pair.prompt());
            int[] chosen = ByteTokenizer.encode(ByteBudget.truncate(pair.chosen(), ImdbModels.MAX_RESPONSE_BYTES));
            int[] rejected = ByteTokenizer.encode(ByteBudget.truncate(pair.rejected(), ImdbModels.MAX_RESPONSE_BYTES));
            if (prompt.length == 0 || chosen.length == 0 || rejected.length == 0
                    || java.util.Arrays.equals(chosen, rejected)) {
                continue;
            }
            examples.add(new PreferenceExample(prompt, chosen, rejected));
        }
        return examples;
    }
}
