package prefdyn.cli.generate;

import prefdyn.cli.base.OutputPaths;
import prefdyn.cli.base.Threads;
import prefdyn.cli.base.UserError;
import prefdyn.cli.engine.Engines;
import prefdyn.cli.engine.MemoryBudget;
import prefdyn.cli.experiment.Analysis;
import prefdyn.cli.task.ImdbTask;
import prefdyn.datasets.ImdbModels;
import prefdyn.reference.checkpoint.LoadedCheckpoint;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.sampling.Sampler;
import prefdyn.reference.sampling.SamplingSettings;
import prefdyn.reference.util.Parallel;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code prefdyn generate}: every prompt continued {@code samples} times by the checkpoint (seeded sampling through
 * {@link Sampler}, greedy at temperature 0), each printed with its NB reward and AFINN judge score, optionally
 * written as {prompt, continuation, reward, judge} JSONL, and the word coverage ({@link CoverageReport}).
 */
public final class Generation {

    private Generation() {
    }

    /** Continues the prompts of {@code settings}, printing to {@code stdout}. */
    public static void run(GenerateSettings settings, PrintWriter stdout) throws IOException {
        List<String> texts = PromptTexts.collect(settings);
        ImdbTask task = ImdbTask.get();
        Path out = settings.out();
        String checkpoint = settings.checkpoint();
        if (out != null) {
            Map<String, Path> inputs = new LinkedHashMap<>();
            inputs.put("--prompts-file", settings.prompts().file());
            inputs.put("--checkpoint", Engines.isCommitted(checkpoint) ? null : Path.of(checkpoint));
            OutputPaths.refuseOverlap(out, "--out", inputs);
            OutputPaths.requireNewFile(out, "--out", settings.force());
        }
        GenerateSettings.WordCoverage wordCoverage = settings.wordCoverage();
        List<String> vocabularyTexts = wordCoverage == null ? null
                : CoverageReport.vocabularyTexts(wordCoverage.vocabulary(), wordCoverage.data(), task);
        int samples = settings.samples();
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
        try (Parallel parallel = new Parallel(Threads.resolve(settings.threads()))) {
            ReferenceEngine engine = Engines.engine(loaded, parallel);
            List<int[]> continuations = Sampler.generate(engine, tokens, new SamplingSettings(settings.temperature(),
                    settings.maxTokens(), true, loaded.tokenizer().endOfText()), settings.seed());
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
            CoverageReport.printWordCoverage(stdout, continuationTexts, vocabularyTexts, wordCoverage.vocabulary());
        }
        if (out != null) {
            Analysis.writeJsonLines(out, lines);
            stdout.println("wrote " + out);
        }
    }
}
