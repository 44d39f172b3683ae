package prefdyn.cli.run;

/**
 * The final evaluation of a run (win rate against the start model).
 *
 * @param prompts held-out prompts of the evaluation
 * @param tokens  most tokens of each evaluation sample
 */
public record EvaluationSettings(int prompts, int tokens) {

    public EvaluationSettings {
        Checks.positive("eval-prompts", prompts);
        Checks.positive("eval-tokens", tokens);
    }
}
