package prefdyn.cli.engine;

import prefdyn.accelerated.AcceleratedEngine;
import prefdyn.accelerated.kernels.FallbackPolicy;
import prefdyn.accelerated.kernels.KernelFallbackException;
import prefdyn.accelerated.kernels.OpenClDevices;
import prefdyn.cli.base.FileProblems;
import prefdyn.cli.base.UserError;
import prefdyn.datasets.ImdbModels;
import prefdyn.reference.checkpoint.Checkpoint;
import prefdyn.reference.checkpoint.LoadedCheckpoint;
import prefdyn.reference.engine.PolicyEngine;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.GptInitializer;
import prefdyn.reference.model.GptModel;
import prefdyn.reference.model.ParameterLayout;
import prefdyn.reference.model.TensorView;
import prefdyn.reference.util.Parallel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Loading start models and building engines. A checkpoint is named on the command line by a directory, or by
 * {@value #COMMITTED_SFT} for the IMDb SFT model committed with the datasets module.
 */
public final class Engines {

    /** The name of the committed IMDb SFT checkpoint. */
    public static final String COMMITTED_SFT = "committed-sft";

    private static final Map<String, LoadedCheckpoint> CACHE = new ConcurrentHashMap<>();

    private Engines() {
    }

    /** Which engine runs the model. */
    public enum Kind {
        REFERENCE, ACCELERATED;

        public static Kind parse(String name) {
            try {
                return valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new UserError("unknown engine '" + name + "'; expected reference or accelerated");
            }
        }
    }

    /**
     * Refuses an engine that cannot run here: the float32 twin needs an OpenCL device (a GPU, or PoCL on the CPU);
     * it is never silently replaced by Aparapi's Java fallback.
     */
    public static void requireAvailable(Kind kind) {
        if (kind == Kind.ACCELERATED && !OpenClDevices.available()) {
            throw new UserError("--engine accelerated needs an OpenCL device and found none ("
                    + OpenClDevices.describe(OpenClDevices.best()) + "); install one, e.g. PoCL: "
                    + OpenClDevices.INSTALL_COMMAND + ", or use --engine reference");
        }
    }

    /**
     * An engine of the given kind holding a copy of {@code parameters}: the float64 reference on {@code parallel},
     * or the float32 OpenCL twin (which fails rather than fall back to Java threads). Close it after use.
     */
    public static PolicyEngine engine(Kind kind, GptConfig config, double[] parameters, Parallel parallel) {
        if (kind == Kind.ACCELERATED) {
            try {
                return new AcceleratedEngine(config, parameters, FallbackPolicy.FAIL_FAST);
            } catch (KernelFallbackException e) {
                throw new UserError("--engine accelerated: " + e.getMessage(), e);
            }
        }
        ReferenceEngine engine = new ReferenceEngine(new GptModel(config, parallel));
        engine.setParameters(parameters);
        return engine;
    }

    /** Loads a checkpoint by name (a directory, or {@value #COMMITTED_SFT}); cached per process. */
    public static LoadedCheckpoint load(String name) {
        LoadedCheckpoint cached = CACHE.get(name);
        if (cached != null) {
            return cached;
        }
        LoadedCheckpoint loaded;
        if (COMMITTED_SFT.equals(name)) {
            try {
                loaded = ImdbModels.committedSft();
            } catch (UncheckedIOException e) {
                throw new UserError("the committed SFT checkpoint is not available (" + e.getMessage() + "); train one "
                        + "with 'prefdyn sft --out DIR' and pass --checkpoint DIR", e);
            }
        } else {
            Path directory = Path.of(name);
            FileProblems.requireReadableDirectory(directory, "checkpoint directory");
            try {
                GptConfig config = Checkpoint.readConfig(directory);
                Checkpoint.requireWeightsFit(directory, config);
                // the weights as read, the flat parameters, and an engine's copy of them
                MemoryBudget.require("checkpoint " + directory + " (" + config.parameterCount() + " parameters)",
                        MemoryBudget.parameterArrays(config, 3));
                loaded = Checkpoint.load(directory);
                Checkpoint.requireFinite(directory, loaded);
            } catch (IOException e) {
                throw new UserError("cannot load checkpoint " + directory + ": " + e.getMessage(), e);
            }
        }
        CACHE.put(name, loaded);
        return loaded;
    }

    /** A reference engine holding a copy of the checkpoint's parameters. */
    public static ReferenceEngine engine(LoadedCheckpoint checkpoint, Parallel parallel) {
        ReferenceEngine engine = new ReferenceEngine(new GptModel(checkpoint.config(), parallel));
        engine.setParameters(checkpoint.parameters());
        return engine;
    }

    /**
     * PPO's critic: the checkpoint's network with a value head, every shared tensor copied from the checkpoint
     * and the value head from GPT-2's seeded initialisation (TRL starts its value model from a pretrained
     * network too).
     */
    public static PolicyEngine critic(Kind kind, LoadedCheckpoint checkpoint, long seed, Parallel parallel) {
        GptConfig config = checkpoint.config().withValueHead(true).withRewardHead(false);
        ParameterLayout layout = new ParameterLayout(config);
        double[] parameters = new double[layout.size()];
        GptInitializer.initialize(layout, parameters, seed);
        ParameterLayout source = new ParameterLayout(checkpoint.config());
        for (TensorView view : layout.tensors()) {
            if (source.contains(view.name())) {
                TensorView from = source.tensor(view.name());
                System.arraycopy(checkpoint.parameters(), from.offset(), parameters, view.offset(), view.size());
            }
        }
        return engine(kind, config, parameters, parallel);
    }
}
