package prefdyn.cli.command;

import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import prefdyn.cli.base.Progress;
import prefdyn.cli.base.UserError;
import prefdyn.cli.base.Version;
import prefdyn.cli.run.RunDirectory;
import prefdyn.datasets.ImdbModels;
import prefdyn.datasets.TrainImdbSft;
import prefdyn.reference.checkpoint.Checkpoint;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.util.Parallel;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code prefdyn sft}: the IMDb SFT policy ({@link TrainImdbSft}) into a checkpoint directory. */
@Command(name = "sft", mixinStandardHelpOptions = true,
        description = {"Train the IMDb SFT policy (next-byte NLL on the committed sample's half A, the tiny GPT-2 "
                + "shape of ImdbModels.SFT_CONFIG, from GPT-2's seeded initialisation) and save it as a checkpoint "
                + "(model.safetensors, config.json, training.json). The committed SFT model was made this way."})
public final class SftCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Checkpoint directory to write.")
    Path out;

    @Option(names = "--steps", defaultValue = "3000", description = "Steps. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--batch", defaultValue = "16", description = "Windows per step. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--lr", defaultValue = "3e-3", description = "Peak learning rate (100 warm-up steps). Default: ${DEFAULT-VALUE}.")
    double lr;

    @Option(names = "--seed", defaultValue = "1", description = "Seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--threads", description = "Threads (results are identical for any count). Default: all cores.")
    Integer threads;

    @Option(names = "--force", description = "Overwrite an existing checkpoint in --out.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        if (steps < 1 || batch < 1) {
            throw new UserError("--steps and --batch must be at least 1");
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new UserError("--lr must be positive and finite, got " + lr);
        }
        if (Files.exists(out.resolve(Checkpoint.MODEL_FILE)) && !force) {
            throw new UserError(out + " already holds a checkpoint; use --force to overwrite it");
        }
        Progress progress = new Progress(stdout, common.quiet);
        Map<String, Object> last;
        double[] parameters;
        try (Parallel parallel = new Parallel(Threads.resolve(threads))) {
            ReferenceEngine engine = ReferenceEngine.initialized(ImdbModels.SFT_CONFIG, seed, parallel);
            Progress.Stage stage = progress.stage("sft  train", steps);
            last = TrainImdbSft.train(engine, steps, batch, lr, seed, step -> stage.accept(step.step() + 1));
            stage.done();
            parameters = new double[engine.layout().size()];
            engine.copyParametersTo(parameters);
            Checkpoint.save(out, engine.config(), parameters);
        }
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("command", "prefdyn sft --steps " + steps + " --batch " + batch + " --lr " + lr + " --seed " + seed);
        record.put("prefdyn_version", Version.get());
        record.put("steps", steps);
        record.put("batch_windows", batch);
        record.put("learning_rate", lr);
        record.put("warmup_steps", 100);
        record.put("seed", seed);
        record.put("final_loss", last.get("loss"));
        RunDirectory.writeJson(out.resolve("training.json"), record);
        stdout.printf(Locale.ROOT, "SFT model written to %s (final loss %s)%n", out, last.get("loss"));
        return ExitCode.OK;
    }
}
