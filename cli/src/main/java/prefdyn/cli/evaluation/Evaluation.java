package prefdyn.cli.evaluation;

import prefdyn.cli.task.ImdbTask;
import prefdyn.datasets.Estimate;
import prefdyn.datasets.WinRate;
import prefdyn.reference.data.PromptResponse;
import prefdyn.reference.data.SequenceBatches;
import prefdyn.reference.engine.ForwardResult;
import prefdyn.reference.engine.PolicyEngine;
import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.sampling.Sampler;
import prefdyn.reference.sampling.SamplingSettings;
import prefdyn.reference.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The final evaluation of a trained policy on held-out prompts, against the start (SFT) model: both continue every
 * prompt once at temperature 1 with the same seed (so an unchanged policy ties everywhere and scores exactly ½),
 * the judge (AFINN) scores both, and the win rate is the mean of 1 / ½ / 0 with a seeded bootstrap 95% interval
 * ({@link WinRate}). Also the mean training reward (NB) and judge score with intervals, and KL(π‖π_ref) estimated
 * as the mean of lp_π(y) − lp_ref(y) over the policy's own samples.
 */
public final class Evaluation {

    /** Sampling seed of the final evaluation, shared by the start model and the trained policy. */
    public static final long SAMPLING_SEED = 11;
    /** Bootstrap seed of every interval. */
    static final long BOOTSTRAP_SEED = 778;

    private Evaluation() {
    }

    /** Continuations of a model on prompts, with their scores. */
    public record Samples(List<String> prompts, List<String> continuations, double[] rewards, double[] judgeScores,
                          List<PromptResponse> tokens) {
    }

    /**
     * Samples one continuation per prompt (temperature 1, seeded, stopping at the tokenizer's end-of-text) and
     * scores its text ({@link Tokenizer#decodeToEndOfText}).
     */
    public static Samples sample(PolicyEngine engine, Tokenizer tokenizer, List<String> prompts, int maxTokens,
                                 ImdbTask task) {
        List<int[]> promptTokens = ImdbTask.tokens(prompts, tokenizer, engine.config().contextLength());
        List<int[]> responses = Sampler.generate(engine, promptTokens,
                SamplingSettings.sampled(1.0, maxTokens, tokenizer), SAMPLING_SEED);
        List<String> promptTexts = new ArrayList<>();
        List<String> continuations = new ArrayList<>();
        List<PromptResponse> tokens = new ArrayList<>();
        double[] rewards = new double[prompts.size()];
        double[] judge = new double[prompts.size()];
        for (int i = 0; i < prompts.size(); i++) {
            String prompt = tokenizer.decodeToEndOfText(promptTokens.get(i));
            String continuation = tokenizer.decodeToEndOfText(responses.get(i));
            promptTexts.add(prompt);
            continuations.add(continuation);
            tokens.add(new PromptResponse(promptTokens.get(i), responses.get(i)));
            rewards[i] = task.reward(prompt + continuation);
            judge[i] = task.judge(prompt + continuation);
        }
        return new Samples(promptTexts, continuations, rewards, judge, tokens);
    }

    /** Sequences per forward pass of {@link #kl}: bounds its memory (logits are rows × T × V floats). */
    static final int KL_CHUNK = 32;

    /**
     * KL(π‖π_ref) ≈ mean over π's samples of lp_π(y|x) − lp_ref(y|x), in forward passes of {@value #KL_CHUNK}
     * sequences (each sequence's log-prob depends on its own tokens only; 300 samples of 64 tokens in one pass
     * held about 1.5 GB per model).
     */
    public static double kl(PolicyEngine policy, PolicyEngine reference, List<PromptResponse> samples) {
        double sum = 0;
        for (int from = 0; from < samples.size(); from += KL_CHUNK) {
            List<PromptResponse> chunk = samples.subList(from, Math.min(samples.size(), from + KL_CHUNK));
            TokenBatch batch = SequenceBatches.of(chunk, policy.config().contextLength());
            ForwardResult own = policy.forward(batch);
            ForwardResult ref = reference.forward(batch);
            for (int b = 0; b < chunk.size(); b++) {
                sum += own.sequenceLogProbs()[b] - ref.sequenceLogProbs()[b];
            }
        }
        return sum / samples.size();
    }

    /** The evaluation of {@code policy} against the start model's samples {@code baseline} (same prompts). */
    public static Map<String, Object> evaluate(PolicyEngine policy, PolicyEngine reference, Tokenizer tokenizer,
                                               Samples baseline, int maxTokens, ImdbTask task,
                                               List<Map<String, Object>> sampleLines) {
        Samples own = sample(policy, tokenizer, baseline.prompts(), maxTokens, task);
        Estimate winRate = WinRate.of(own.judgeScores(), baseline.judgeScores(), BOOTSTRAP_SEED);
        Estimate reward = WinRate.meanReward(own.rewards(), BOOTSTRAP_SEED);
        Estimate judge = WinRate.meanReward(own.judgeScores(), BOOTSTRAP_SEED);
        Estimate baselineReward = WinRate.meanReward(baseline.rewards(), BOOTSTRAP_SEED);
        Estimate baselineJudge = WinRate.meanReward(baseline.judgeScores(), BOOTSTRAP_SEED);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("prompts", baseline.prompts().size());
        result.put("max_tokens", maxTokens);
        result.put("sampling", "temperature 1, seed " + SAMPLING_SEED + " for policy and start model alike");
        result.put("win_rate", estimate(winRate));
        result.put("reward", estimate(reward));
        result.put("judge", estimate(judge));
        result.put("start_reward", estimate(baselineReward));
        result.put("start_judge", estimate(baselineJudge));
        result.put("kl", kl(policy, reference, own.tokens()));
        result.put("mean_length_bytes", meanLength(own.continuations()));
        for (int i = 0; i < own.prompts().size(); i++) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("prompt", own.prompts().get(i));
            line.put("policy", own.continuations().get(i));
            line.put("start", baseline.continuations().get(i));
            line.put("policy_reward", own.rewards()[i]);
            line.put("start_reward", baseline.rewards()[i]);
            line.put("policy_judge", own.judgeScores()[i]);
            line.put("start_judge", baseline.judgeScores()[i]);
            sampleLines.add(line);
        }
        return result;
    }

    private static double meanLength(List<String> texts) {
        double sum = 0;
        for (String text : texts) {
            sum += text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        }
        return texts.isEmpty() ? 0 : sum / texts.size();
    }

    static Map<String, Object> estimate(Estimate estimate) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("value", estimate.value());
        json.put("lower", estimate.lower());
        json.put("upper", estimate.upper());
        json.put("confidence", estimate.confidence());
        json.put("n", estimate.n());
        return json;
    }
}
