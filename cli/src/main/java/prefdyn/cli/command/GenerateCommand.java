package prefdyn.cli.command;

import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import prefdyn.cli.base.OutputPaths;
import prefdyn.cli.base.TextFiles;
import prefdyn.cli.base.UserError;
import prefdyn.cli.engine.Engines;
import prefdyn.cli.engine.MemoryBudget;
import prefdyn.cli.experiment.Analysis;
import prefdyn.cli.task.ImdbTask;
import prefdyn.datasets.ImdbModels;
import prefdyn.datasets.ImdbSplit;
import prefdyn.datasets.Review;
import prefdyn.datasets.startmodel.WordCoverage;
import prefdyn.reference.checkpoint.LoadedCheckpoint;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.sampling.Sampler;
import prefdyn.reference.sampling.SamplingSettings;
import prefdyn.reference.util.Parallel;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code prefdyn generate}: continue prompts with a checkpoint. */
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
        PrintWriter stdout = spec.commandLine().getOut();
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new UserError("--temperature must be finite and >= 0, got " + temperature);
        }
        if (maxTokens < 1 || samples < 1) {
            throw new UserError("--max-tokens and --samples must be at least 1");
        }
        if ((prompts == null || prompts.isEmpty()) && promptsFile == null && imdb == null) {
            throw new UserError("no prompt: give --prompt TEXT, --prompts-file FILE or --imdb N");
        }
        List<String> texts = new ArrayList<>();
        if (prompts != null) {
            texts.addAll(prompts);
        }
        if (promptsFile != null) {
            for (String line : TextFiles.readLines(promptsFile, "prompts file")) {
                if (!line.isBlank()) {
                    texts.add(line);
                }
            }
        }
        ImdbTask task = ImdbTask.get();
        if (imdb != null) {
            if (imdb < 1) {
                throw new UserError("--imdb must be at least 1, got " + imdb);
            }
            texts.addAll(task.evaluationPrompts(imdb, 778));
        }
        if (texts.isEmpty()) {
            throw new UserError("no prompt: give --prompt TEXT, --prompts-file FILE or --imdb N");
        }
        if (out != null) {
            Map<String, Path> inputs = new LinkedHashMap<>();
            inputs.put("--prompts-file", promptsFile);
            inputs.put("--checkpoint", Engines.isCommitted(checkpoint) ? null : Path.of(checkpoint));
            OutputPaths.refuseOverlap(out, "--out", inputs);
            OutputPaths.requireNewFile(out, "--out", force);
        }
        List<String> vocabularyTexts = wordCoverage == null ? null : vocabularyTexts(wordCoverage, data, task);
        LoadedCheckpoint loaded = Engines.load(checkpoint);
        MemoryBudget.require("--samples " + samples + " on " + texts.size() + " prompts",
                MemoryBudget.parameterArrays(loaded.config(), 2) + MemoryBudget.samplingBytes(loaded.config(),
                        (long) texts.size() * samples, loaded.config().contextLength()));
        List<int[]> tokens = new ArrayList<>();
        for (String text : texts) {
            int[] ids = ImdbModels.promptTokens(loaded.tokenizer(), text, loaded.config().contextLength());
            if (ids.length == 0) {
                throw new UserError("empty prompt: every prompt needs at least one token");
            }
            for (int s = 0; s < samples; s++) {
                tokens.add(ids);
            }
        }
        List<Map<String, Object>> lines = new ArrayList<>();
        List<String> continuationTexts = new ArrayList<>();
        try (Parallel parallel = new Parallel(Threads.resolve(threads))) {
            ReferenceEngine engine = Engines.engine(loaded, parallel);
            List<int[]> continuations = Sampler.generate(engine, tokens,
                    new SamplingSettings(temperature, maxTokens, true, loaded.tokenizer().endOfText()), seed);
            for (int i = 0; i < tokens.size(); i++) {
                String prompt = loaded.tokenizer().decodeToEndOfText(tokens.get(i));
                String continuation = loaded.tokenizer().decodeToEndOfText(continuations.get(i));
                double reward = task.reward(prompt + continuation);
                double judge = task.judge(prompt + continuation);
                stdout.printf(java.util.Locale.ROOT, "%s|%s   [reward %.2f, judge %.0f]%n", prompt, continuation,
                        reward, judge);
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("prompt", prompt);
                line.put("continuation", continuation);
                line.put("reward", reward);
                line.put("judge", judge);
                lines.add(line);
                continuationTexts.add(continuation);
            }
        }
        if (vocabularyTexts != null) {
            printWordCoverage(stdout, continuationTexts, vocabularyTexts, wordCoverage);
        }
        if (out != null) {
            Analysis.writeJsonLines(out, lines);
            stdout.println("wrote " + out);
        }
        return ExitCode.OK;
    }

    /** The half-A reviews whose words are the vocabulary: the committed sample's ({@code sample}) or all ({@code full}). */
    static List<String> vocabularyTexts(String vocabulary, Path data, ImdbTask task) throws IOException {
        return switch (vocabulary) {
            case "sample" -> task.split().halfA().stream().map(Review::text).toList();
            case "full" -> {
                if (!Files.isDirectory(data)) {
                    throw new UserError("--word-coverage full needs the raw IMDb package: run "
                            + "datasets/scripts/fetch-imdb.sh and pass its folder with --data (not found: " + data + ")");
                }
                yield ImdbSplit.prepare(data, ImdbSplit.DEFAULT_SEED).sftCorpus();
            }
            default -> throw new UserError("--word-coverage must be sample or full, got '" + vocabulary + "'");
        };
    }

    /** The {@link WordCoverage} of {@code continuations} against the words of {@code halfA}. */
    static void printWordCoverage(PrintWriter stdout, List<String> continuations, List<String> halfA,
                                  String vocabulary) {
        WordCoverage.Coverage coverage = WordCoverage.of(continuations, WordCoverage.vocabulary(halfA));
        stdout.printf(java.util.Locale.ROOT, "word coverage: %d of %d letter-only words (%.1f%%) of %d continuations "
                        + "occur in the words of IMDb half A (%s: %d reviews)%n", coverage.known(), coverage.words(),
                100 * coverage.fraction(), continuations.size(), vocabulary, halfA.size());
    }
}
