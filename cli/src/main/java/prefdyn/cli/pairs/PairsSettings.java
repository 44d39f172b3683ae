package prefdyn.cli.pairs;

import java.nio.file.Path;

/**
 * What {@code prefdyn pairs} writes.
 *
 * @param onPolicy   the on-policy pair file to write, or null
 * @param human      the human pair file to write, or null
 * @param checkpoint the model that samples the on-policy pairs and whose tokenizer and context set the human pairs'
 *                   budget: a checkpoint directory or a committed model's name
 * @param prompts    review openings (half A) of the on-policy pairs
 * @param candidates samples per opening
 * @param seed       seed of the openings, the samples and the human pairs' order
 * @param threads    threads, or null for all cores
 */
public record PairsSettings(Path onPolicy, Path human, String checkpoint, int prompts, int candidates, long seed,
                            Integer threads) {
}
