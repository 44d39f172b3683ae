package prefdyn.cli.command;

import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import prefdyn.cli.base.CommandScope;
import prefdyn.cli.base.OutputPaths;
import prefdyn.cli.base.UserError;
import prefdyn.cli.engine.Engines;
import prefdyn.cli.pairs.PairWriting;
import prefdyn.cli.pairs.PairsSettings;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code prefdyn pairs}: its options; what samples and writes the IMDb preference pairs (TRL JSONL, on-policy and/or
 * human) is {@link PairWriting}.
 */
@Command(name = "pairs", mixinStandardHelpOptions = true,
        description = {"Write IMDb preference pairs as TRL JSONL ({\"prompt\", \"chosen\", \"rejected\"}):",
                "  --on-policy FILE: k samples per review opening from a checkpoint, best vs worst by the NB reward "
                        + "(the DPO paper's protocol);",
                "  --human FILE: continuations of the same opening by a positive (chosen) and a negative (rejected) "
                        + "review, from the committed sample's half A."})
public final class PairsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--on-policy", paramLabel = "FILE", description = "Write on-policy pairs here.")
    Path onPolicy;

    @Option(names = "--human", paramLabel = "FILE", description = "Write human pairs here.")
    Path human;

    @Option(names = "--checkpoint", defaultValue = Engines.COMMITTED_SFT, paramLabel = "DIR",
            description = "Model that samples the on-policy pairs; its tokenizer and context also set the human pairs' "
                    + "budget (3/4 of the context, in its tokens). Default: ${DEFAULT-VALUE}.")
    String checkpoint;

    @Option(names = "--prompts", defaultValue = "64", description = "Review openings (half A). Default: ${DEFAULT-VALUE}.")
    int prompts;

    @Option(names = "--candidates", defaultValue = "4", description = "Samples per opening. Default: ${DEFAULT-VALUE}.")
    int candidates;

    @Option(names = "--seed", defaultValue = "778", description = "Seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--threads", description = "Threads. Default: all cores.")
    Integer threads;

    @Option(names = "--force", description = "Replace an output file that exists.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        if (onPolicy == null && human == null) {
            throw new UserError("nothing to write: give --on-policy FILE and/or --human FILE");
        }
        if (prompts < 1 || candidates < 2) {
            throw new UserError("--prompts must be at least 1 and --candidates at least 2");
        }
        if (onPolicy != null && human != null && OutputPaths.sameFile(onPolicy, human)) {
            throw new UserError("--on-policy and --human name the same file " + onPolicy + "; give two files");
        }
        Map<String, Path> inputs = new LinkedHashMap<>();
        inputs.put("--checkpoint", Engines.isCommitted(checkpoint) ? null : Path.of(checkpoint));
        for (Path output : new Path[] {onPolicy, human}) {
            if (output != null) {
                OutputPaths.refuseOverlap(output, output == onPolicy ? "--on-policy" : "--human", inputs);
                OutputPaths.requireNewFile(output, output == onPolicy ? "--on-policy" : "--human", force);
            }
        }
        if (human != null && onPolicy == null && spec.commandLine().getParseResult().hasMatchedOption("--prompts")) {
            CommandScope.notice("--prompts applies to --on-policy only; --human pairs every review opening of the "
                    + "committed sample's half A");
        }
        PairWriting.write(new PairsSettings(onPolicy, human, checkpoint, prompts, candidates, seed, threads),
                spec.commandLine().getOut(), common.quiet);
        return ExitCode.OK;
    }
}
