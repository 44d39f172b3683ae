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
 * @param adaptiveClipping BAPO's adaptive bounds with the authors' defaults instead of [1 − ε, 1 + ε]
 *                       ({@code --adaptive-clipping}; recorded in config.json only when on, so a run without it has
 *                       the config it had before the option existed)
 * @param bapoTarget     BAPO's target share ρ₀ ∈ (0, 1) of the positive tokens ({@code --bapo-target}, the authors'
 *                       ½); read only with adaptiveClipping
 */
public record PpoSettings(int epochs, int miniBatches, int responseTokens, double klCoef, boolean adaptiveClipping,
                          double bapoTarget) {

    public PpoSettings {
        Checks.positive("ppo-epochs", epochs);
        Checks.positive("ppo-minibatches", miniBatches);
        Checks.positive("response-tokens", responseTokens);
        if (!(klCoef >= 0) || Double.isInfinite(klCoef)) {
            throw new UserError("--kl-coef must be finite and >= 0, got " + klCoef);
        }
        Checks.bapoTarget(bapoTarget);
    }

    /** Settings with the fixed clipping bounds. */
    public PpoSettings(int epochs, int miniBatches, int responseTokens, double klCoef) {
        this(epochs, miniBatches, responseTokens, klCoef, false, Checks.DEFAULT_BAPO_TARGET);
    }

    /** These settings with another number of minibatches. */
    public PpoSettings withMiniBatches(int newMiniBatches) {
        return new PpoSettings(epochs, newMiniBatches, responseTokens, klCoef, adaptiveClipping, bapoTarget);
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
                .adaptiveClipping(Checks.bapo(adaptiveClipping, bapoTarget))
                .build();
    }
}
