package prefdyn.cli.run;

import prefdyn.cli.base.UserError;
import prefdyn.reference.ppo.PpoConfig;

/**
 * PPO's settings as a run records them (every other field of the reference's {@link PpoConfig} keeps its TRL
 * default); {@link #config} makes the reference's config.
 *
 * @param epochs         PPO epochs per rollout batch
 * @param miniBatches    PPO minibatches per epoch
 * @param responseTokens most new tokens per rollout response
 * @param klCoef         the fixed KL penalty coefficient β_kl
 */
public record PpoSettings(int epochs, int miniBatches, int responseTokens, double klCoef) {

    public PpoSettings {
        Checks.positive("ppo-epochs", epochs);
        Checks.positive("ppo-minibatches", miniBatches);
        Checks.positive("response-tokens", responseTokens);
        if (!(klCoef >= 0) || Double.isInfinite(klCoef)) {
            throw new UserError("--kl-coef must be finite and >= 0, got " + klCoef);
        }
    }

    /** These settings with another number of minibatches. */
    public PpoSettings withMiniBatches(int newMiniBatches) {
        return new PpoSettings(epochs, newMiniBatches, responseTokens, klCoef);
    }

    /** The reference's config of a PPO run of {@code variant} (a command-line name) with these steps. */
    public PpoConfig config(String variant, StepSettings steps) {
        return PpoConfig.builder()
                .batchSize(steps.batch())
                .numPpoEpochs(epochs)
                .numMiniBatches(miniBatches)
                .responseLength(responseTokens)
                .klCoef(klCoef)
                .learningRate(steps.learningRate())
                .totalSteps(steps.steps())
                .objective(Objective.ppoObjective(variant))
                .seed(steps.seed())
                .componentNorms(steps.componentNorms())
                .build();
    }
}
