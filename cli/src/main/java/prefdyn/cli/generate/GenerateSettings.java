package prefdyn.cli.generate;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code prefdyn generate} continues, and how.
 *
 * @param checkpoint   a checkpoint directory, or the name of a committed model
 * @param prompts      prompts given one by one, or null
 * @param promptsFile  a file of one prompt per line (blank lines skipped), or null
 * @param imdb         this many held-out IMDb review openings as prompts, or null
 * @param maxTokens    most new tokens of each continuation
 * @param temperature  sampling temperature; 0 is greedy
 * @param samples      continuations per prompt
 * @param seed         sampling seed
 * @param threads      threads, or null for all cores
 * @param out          the JSONL file to write, or null
 * @param force        replace {@code out} if it exists
 * @param wordCoverage the vocabulary of the word coverage ({@code sample} or {@code full}), or null for none
 * @param data         the raw IMDb folder, for {@code full}
 */
public record GenerateSettings(String checkpoint, List<String> prompts, Path promptsFile, Integer imdb,
                               int maxTokens, double temperature, int samples, long seed, Integer threads, Path out,
                               boolean force, String wordCoverage, Path data) {
}
