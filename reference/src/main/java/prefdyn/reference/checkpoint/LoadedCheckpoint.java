package prefdyn.reference.checkpoint;

import prefdyn.reference.model.GptConfig;

/**
 * A model read back by {@link Checkpoint#load}.
 *
 * @param config     the model shape from {@code config.json}
 * @param parameters [ParameterLayout(config).size()] all parameters, flat, in {@link
 *                   prefdyn.reference.model.ParameterLayout} order
 */
public record LoadedCheckpoint(GptConfig config, double[] parameters) {
}
