package prefdyn.cli.command;

import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import prefdyn.cli.base.OutputPaths;
import prefdyn.cli.base.UserError;
import prefdyn.cli.engine.Engines;
import prefdyn.cli.grad.GradDump;
import prefdyn.cli.grad.GradRun;
import prefdyn.cli.grad.GradSettings;
import prefdyn.cli.run.DataRules;
import prefdyn.cli.run.DpoLossSettings;
import prefdyn.reference.dpo.DpoLossType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code prefdyn grad}: its options; what it computes and writes (one DPO step's inputs, log-probs, loss and
 * gradients as safetensors, {@link GradDump}) is {@link GradRun}.
 */
@Command(name = "grad", mixinStandardHelpOptions = true,
        description = {"Write one DPO step's numbers as safetensors, so another implementation (e.g. PyTorch) can "
                + "check prefdyn: input ids and masks, per-sequence policy and reference log-probs, the loss, the full "
                + "gradient under the checkpoint's tensor names (grad.<name>) and its positive and negative parts "
                + "(grad_positive.<name>, grad_negative.<name>).",
                "The batch is the first --max-pairs pairs of the file, chosen rows then rejected rows."})
public final class GradCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--checkpoint", required = true, paramLabel = "DIR",
            description = "Policy checkpoint directory (model.safetensors + config.json), or committed-sft.")
    String checkpoint;

    @Option(names = "--reference", paramLabel = "DIR",
            description = "Reference checkpoint (default: the policy checkpoint itself, as at DPO's first step).")
    String reference;

    @Option(names = "--pairs", required = true, paramLabel = "FILE",
            description = "Preference pairs, TRL JSONL: {\"prompt\", \"chosen\", \"rejected\"} per line.")
    Path pairs;

    @Option(names = "--objective", defaultValue = "dpo", description = "Objective (only dpo). Default: ${DEFAULT-VALUE}.")
    String objective;

    @Option(names = "--beta", defaultValue = "0.1", description = "DPO's beta. Default: ${DEFAULT-VALUE}.")
    double beta;

    @Option(names = "--loss-type", defaultValue = "sigmoid", paramLabel = "TYPE",
            description = "DPO loss, any the trainer has (TRL's loss_type names): ${COMPLETION-CANDIDATES}. "
                    + "Default: ${DEFAULT-VALUE}.", converter = LossTypeConverter.class,
            completionCandidates = LossTypeConverter.Names.class)
    DpoLossType lossType;

    @Option(names = "--label-smoothing", defaultValue = "0",
            description = "conservative and robust losses: the label-smoothing ε in [0, 0.5). "
                    + "Default: ${DEFAULT-VALUE}.")
    double labelSmoothing;

    @Option(names = "--simpo-gamma", paramLabel = "GAMMA",
            description = "SimPO's target reward margin (TRL's simpo_gamma), for --loss-type simpo. Default: 0.5.")
    Double simpoGamma;

    @Option(names = "--bpo-alpha", paramLabel = "ALPHA",
            description = "BPO's gap adaptor alpha in (0, 1], for --loss-type bpo. Default: 0.3.")
    Double bpoAlpha;

    @Option(names = DataRules.OPTION, defaultValue = "trl", paramLabel = "trl|prefdyn-v1",
            description = DataRules.DESCRIPTION)
    String dataRules;

    @Option(names = "--max-pairs", defaultValue = "64",
            description = "Use at most this many pairs, from the top of the file. Default: ${DEFAULT-VALUE}.")
    int maxPairs;

    @Option(names = "--threads", description = "Threads (results are identical for any count). Default: all cores.")
    Integer threads;

    @Option(names = "--out", required = true, paramLabel = "FILE.safetensors", description = "Output file.")
    Path out;

    @Option(names = "--force", description = "Replace the --out file if it exists.")
    boolean force;

    @Override
    public Integer call() throws IOException {
        if (!"dpo".equals(objective.toLowerCase(Locale.ROOT))) {
            throw new UserError("--objective " + objective + " is not supported by grad; only dpo");
        }
        if (!(beta > 0) || Double.isInfinite(beta)) {
            throw new UserError("--beta must be positive and finite, got " + beta);
        }
        if (maxPairs < 1) {
            throw new UserError("--max-pairs must be at least 1, got " + maxPairs);
        }
        Map<String, Path> inputs = new LinkedHashMap<>();
        inputs.put("--pairs", pairs);
        inputs.put("--checkpoint", Engines.isCommitted(checkpoint) ? null : Path.of(checkpoint));
        inputs.put("--reference", reference == null || Engines.isCommitted(reference) ? null
                : Path.of(reference));
        OutputPaths.refuseOverlap(out, "--out", inputs);
        OutputPaths.requireNewFile(out, "--out", force);
        GradRun.run(new GradSettings(checkpoint, reference, pairs, lossType.trlName(), beta, labelSmoothing,
                simpoGamma, bpoAlpha, dataRules, maxPairs, threads, out), spec.commandLine().getOut());
        return ExitCode.OK;
    }

    /** {@code --loss-type}: a {@link DpoLossType} by TRL's name, with a one-line error naming the choices. */
    static final class LossTypeConverter implements picocli.CommandLine.ITypeConverter<DpoLossType> {

        @Override
        public DpoLossType convert(String value) {
            return DpoLossSettings.parseLossType(value);
        }

        /** The lower-case names of every loss type. */
        static final class Names extends java.util.ArrayList<String> {
            Names() {
                for (DpoLossType type : DpoLossType.values()) {
                    add(type.trlName());
                }
            }
        }
    }
}
