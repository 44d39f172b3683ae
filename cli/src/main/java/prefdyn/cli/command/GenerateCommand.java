package prefdyn.cli.command;

import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import prefdyn.cli.base.UserError;
import prefdyn.cli.engine.Engines;
import prefdyn.cli.generate.GenerateSettings;
import prefdyn.cli.generate.Generation;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code prefdyn generate}: its options; what it samples, scores, prints and writes is {@link Generation}. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Continue prompts with a checkpoint (seeded sampling, or greedy with --temperature 0) and print "
                + "each continuation with its NB reward and AFINN judge score; --out writes JSONL."})
public final class GenerateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--checkpoint", defaultValue = Engines.COMMITTED_SFT, paramLabel = "DIR",
            description = "Checkpoint directory, or committed-sft or committed-start. Default: ${DEFAULT-VALUE}.")
    String checkpoint;

    @Option(names = "--prompt", paramLabel = "TEXT", description = "A prompt (repeatable).")
    List<String> prompts;

    @Option(names = "--prompts-file", paramLabel = "FILE", description = "One prompt per line.")
    Path promptsFile;

    @Option(names = "--imdb", paramLabel = "N", description = "N held-out IMDb review openings as prompts.")
    Integer imdb;

    @Option(names = "--max-tokens", defaultValue = "32", description = "Most new tokens (of the checkpoint's tokenizer). Default: ${DEFAULT-VALUE}.")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "1.0",
            description = "Sampling temperature; 0 is greedy. Default: ${DEFAULT-VALUE}.")
    double temperature;

    @Option(names = "--samples", defaultValue = "1", description = "Continuations per prompt. Default: ${DEFAULT-VALUE}.")
    int samples;

    @Option(names = "--seed", defaultValue = "1", description = "Sampling seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--threads", description = "Threads. Default: all cores.")
    Integer threads;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write {prompt, continuation, reward, judge} JSONL.")
    Path out;

    @Option(names = "--force", description = "Replace the --out file if it exists.")
    boolean force;

    @Option(names = "--word-coverage", paramLabel = "VOCABULARY", arity = "0..1", fallbackValue = "sample",
            description = "Also print the share of the continuations' letter-only words that occur in the words of "
                    + "IMDb half A (the training half): whether the model writes words. VOCABULARY: sample (the "
                    + "committed sample's half A, the default) or full (the whole half A, from --data).")
    String wordCoverage;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "datasets/target/raw",
            description = "The folder datasets/scripts/fetch-imdb.sh filled (for --word-coverage full). "
                    + "Default: ${DEFAULT-VALUE}.")
    Path data;

    @Override
    public Integer call() throws IOException {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new UserError("--temperature must be finite and >= 0, got " + temperature);
        }
        if (maxTokens < 1 || samples < 1) {
            throw new UserError("--max-tokens and --samples must be at least 1");
        }
        if ((prompts == null || prompts.isEmpty()) && promptsFile == null && imdb == null) {
            throw new UserError("no prompt: give --prompt TEXT, --prompts-file FILE or --imdb N");
        }
        Generation.run(new GenerateSettings(checkpoint, new GenerateSettings.Prompts(prompts, promptsFile, imdb),
                maxTokens, temperature, samples, seed, threads, out, force,
                wordCoverage == null ? null : new GenerateSettings.WordCoverage(wordCoverage, data)),
                spec.commandLine().getOut());
        return ExitCode.OK;
    }
}
