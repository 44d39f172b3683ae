package prefdyn.cli.task;

import prefdyn.datasets.AfinnJudge;
import prefdyn.datasets.ImdbModels;
import prefdyn.datasets.ImdbSample;
import prefdyn.datasets.ImdbSplit;
import prefdyn.datasets.NaiveBayesSentiment;
import prefdyn.datasets.Prompts;
import prefdyn.reference.ppo.RewardFunction;
import prefdyn.reference.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * The IMDb controlled-sentiment task as the CLI uses it: the committed sample, the training reward (Naive Bayes
 * trained on the sample's half A), the held-out judge (AFINN-165), and review-opening prompts (training prompts
 * from half A, evaluation prompts from half B). Built once per process; thread-safe after construction.
 */
public final class ImdbTask {

    /** Name of the training reward in configs and reports. */
    public static final String REWARD_NAME = "naive-bayes log-odds, trained on the committed sample's half A";
    /** Name of the judge in configs and reports. */
    public static final String JUDGE_NAME = "AFINN-165 lexicon sum (held out: never a training reward)";

    private static ImdbTask instance;

    private final ImdbSplit split;
    private final NaiveBayesSentiment reward;
    private final AfinnJudge judge;

    private ImdbTask() {
        this.split = ImdbSample.load();
        this.reward = NaiveBayesSentiment.train(split.halfA());
        this.judge = AfinnJudge.afinn165();
    }

    /** The task, loaded on first use (about a second: reading the sample and training the reward). */
    public static synchronized ImdbTask get() {
        if (instance == null) {
            instance = new ImdbTask();
        }
        return instance;
    }

    public ImdbSplit split() {
        return split;
    }

    /** The training reward of a full text (prompt + continuation). */
    public double reward(String text) {
        return reward.score(text);
    }

    /** The judge's score of a full text (prompt + continuation). */
    public double judge(String text) {
        return judge.score(text);
    }

    /** The training reward as PPO's score function, on prompt + response decoded by the policy's tokenizer. */
    public RewardFunction rewardFunction(Tokenizer tokenizer) {
        return RewardFunction.ofText(tokenizer, (prompt, response) -> reward.score(prompt + response));
    }

    /** The judge as a score function, on prompt + response (for probes only, never for training). */
    public RewardFunction judgeFunction(Tokenizer tokenizer) {
        return RewardFunction.ofText(tokenizer, (prompt, response) -> judge.score(prompt + response));
    }

    /** {@code count} training prompts (half A openings). */
    public List<String> trainingPrompts(int count, long seed) {
        return Prompts.training(split, count, seed);
    }

    /** {@code count} held-out prompts (half B openings); a shorter list is a prefix of a longer one. */
    public List<String> evaluationPrompts(int count, long seed) {
        return Prompts.evaluation(split, count, seed);
    }

    /**
     * Prompts in a model's tokens, each cut to {@link ImdbModels#promptBudget} of its context.
     *
     * @param contextLength the model's T
     */
    public static List<int[]> tokens(List<String> prompts, Tokenizer tokenizer, int contextLength) {
        List<int[]> tokens = new ArrayList<>();
        for (String prompt : prompts) {
            tokens.add(ImdbModels.promptTokens(tokenizer, prompt, contextLength));
        }
        return tokens;
    }
}
