package prefdyn.cli.generate;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code prefdyn generate} continues, and how.
 *
 * @param checkpoint   a checkpoint directory, or the name of a committed model
 * @param prompts      where the prompts come from
 * @param maxTokens    most new tokens of each continuation
 * @param temperature  sampling temperature; 0 is greedy
 * @param samples      continuations per prompt
 * @param seed         sampling seed
 * @param threads      threads, or null for all cores
 * @param out          the JSONL file to write, or null
 * @param force        replace {@code out} if it exists
 * @param wordCoverage which vocabulary the continuations' words are looked up in, or null for no coverage
 */
public record GenerateSettings(String checkpoint, Prompts prompts, int maxTokens, double temperature, int samples,
                               long seed, Integer threads, Path out, boolean force, WordCoverage wordCoverage) {

    /**
     * The prompts, in this order: those given one by one, a file's lines, held-out IMDb openings.
     *
     * @param given one by one ({@code --prompt}), or null
     * @param file  a file of one prompt per line (blank lines skipped), or null
     * @param imdb  this many held-out IMDb review openings, or null
     */
    public record Prompts(List<String> given, Path file, Integer imdb) {
    }

    /**
     * The word coverage of the continuations.
     *
     * @param vocabulary {@code sample} (the committed sample's half A) or {@code full} (the whole of half A)
     * @param data       the raw IMDb folder, for {@code full}
     */
    public record WordCoverage(String vocabulary, Path data) {
    }
}
