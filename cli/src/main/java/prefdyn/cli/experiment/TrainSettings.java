package prefdyn.cli.experiment;

import prefdyn.cli.run.RunConfig;

import java.nio.file.Path;
import java.util.Map;

/**
 * What {@code prefdyn train} trains, and where.
 *
 * @param config          every setting of the run, checked; its pair files are replaced by the ones the run trains
 *                        on ({@link RunConfig#withPairFiles}): {@code pairs}, or on-policy pairs sampled into the run
 *                        directory
 * @param pairs           DPO's training pair file, or null for on-policy pairs
 * @param heldoutPairs    the held-out probe's pair file, or null
 * @param pairCount       the pairs of {@code pairs}, or -1 without
 * @param candidates      samples per prompt of on-policy pairs
 * @param inputs          every input file by option, kept apart from the run directory
 * @param out             the run directory
 * @param force           replace an existing or interrupted run directory
 * @param resume          continue the interrupted run in {@code out}
 * @param resumeEvery     a resume point every K steps; 0: never
 * @param checkpointEvery θ(t) every K steps; 0: only the final model
 * @param threads         threads, or null for all cores
 */
public record TrainSettings(RunConfig config, Path pairs, Path heldoutPairs, int pairCount, int candidates,
                            Map<String, Path> inputs, Path out, boolean force, boolean resume, int resumeEvery,
                            int checkpointEvery, Integer threads) {
}
