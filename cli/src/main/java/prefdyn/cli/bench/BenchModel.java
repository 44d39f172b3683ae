package prefdyn.cli.bench;

import prefdyn.cli.base.UserError;
import prefdyn.cli.engine.Engines;
import prefdyn.reference.checkpoint.LoadedCheckpoint;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.GptInitializer;
import prefdyn.reference.model.ParameterLayout;

/**
 * The model {@code prefdyn bench} times: a checkpoint's shape and weights, or a named shape ({@code --size}) with
 * seeded GPT-2 init ({@link GptInitializer}, seed 1) and no heads.
 *
 * @param config     the model's shape
 * @param parameters [ParameterLayout(config).size()] its weights
 */
public record BenchModel(GptConfig config, double[] parameters) {

    /** The least context length benched: a shorter one leaves no room for a prompt and a response. */
    static final int MIN_CONTEXT = 4;

    /**
     * The checkpoint named {@code checkpoint} when it is not null, else the shape {@code size} names (null: the
     * default) with seeded init; refuses a model whose context is too short to bench.
     */
    public static BenchModel of(String checkpoint, String size) {
        BenchModel model;
        if (checkpoint != null) {
            LoadedCheckpoint loaded = Engines.load(checkpoint);
            model = new BenchModel(loaded.config(), loaded.parameters());
        } else {
            GptConfig config = sizedConfig(size == null ? "default" : size);
            double[] parameters = new double[new ParameterLayout(config).size()];
            GptInitializer.initialize(new ParameterLayout(config), parameters, 1);
            model = new BenchModel(config, parameters);
        }
        if (model.config().contextLength() < MIN_CONTEXT) {
            throw new UserError("the model's context length " + model.config().contextLength() + " is too short to bench");
        }
        return model;
    }

    /** The shape {@code --size} names, without heads. */
    static GptConfig sizedConfig(String name) {
        return switch (name) {
            case "default" -> GptConfig.tinyDefault().withValueHead(false);
            case "4x" -> new GptConfig(257, 64, 2, 8, 128, false, false);
            case "gpt2-block" -> new GptConfig(257, 256, 1, 12, 768, false, false);
            default -> throw new UserError("unknown --size '" + name + "'; expected default, 4x or gpt2-block");
        };
    }
}
