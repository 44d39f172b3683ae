package prefdyn.datasets;

import java.util.function.ToDoubleFunction;

/** A scalar reward for a continuation of a prompt (higher is better), as used to rank on-policy samples. */
@FunctionalInterface
public interface Reward {

    /** The reward of {@code continuation} given {@code prompt}. */
    double score(String prompt, String continuation);

    /**
     * A reward that scores the full text {@code prompt + continuation}, as TRL's sentiment examples score query
     * plus response; e.g. {@code Reward.ofFullText(naiveBayes::score)}.
     */
    static Reward ofFullText(ToDoubleFunction<String> textScore) {
        return (prompt, continuation) -> textScore.applyAsDouble(prompt + continuation);
    }
}
