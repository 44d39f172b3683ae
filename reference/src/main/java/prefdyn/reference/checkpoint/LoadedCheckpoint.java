package prefdyn.reference.checkpoint;

import prefdyn.reference.model.GptConfig;
import prefdyn.reference.tokenizer.ByteTokenizer;
import prefdyn.reference.tokenizer.Tokenizer;

/**
 * A model read back by {@link Checkpoint#load}.
 *
 * @param config     the model shape from {@code config.json}
 * @param parameters [ParameterLayout(config).size()] all parameters, flat, in {@link
 *                   prefdyn.reference.model.ParameterLayout} order
 * @param tokenizer  the tokenizer {@code config.json} names, built from the files beside it
 */
public record LoadedCheckpoint(GptConfig config, double[] parameters, Tokenizer tokenizer) {

    /** A model that uses the byte-level tokenizer. */
    public LoadedCheckpoint(GptConfig config, double[] parameters) {
        this(config, parameters, ByteTokenizer.asTokenizer());
    }
}
