package prefdyn.cli.experiment;

import java.nio.file.Path;

/**
 * What {@code prefdyn analyze} measures.
 *
 * @param runDirectory a run directory written by {@code prefdyn train}
 * @param threads      threads, or null for all cores
 * @param force        analyse even if the directory carries the running marker of an interrupted command
 * @param resume       finish an interrupted analysis (computed again from the finished training)
 */
public record AnalyzeSettings(Path runDirectory, Integer threads, boolean force, boolean resume) {
}
