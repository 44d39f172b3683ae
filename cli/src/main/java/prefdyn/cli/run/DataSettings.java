package prefdyn.cli.run;

import prefdyn.datasets.PairRules;

/**
 * What a run trains and probes on. File paths are stored as given; relative ones resolve against the run directory.
 *
 * @param pairs        DPO's training pairs (TRL JSONL) or null
 * @param heldoutPairs pairs for the held-out likelihood probe (TRL JSONL) or null
 * @param trainPrompts PPO's prompt dataset size (IMDb half A openings)
 * @param dataSeed     seeds the choice of prompts
 * @param pairRules    how the pair files become token pairs ({@link DataRules})
 */
public record DataSettings(String pairs, String heldoutPairs, int trainPrompts, long dataSeed, PairRules pairRules) {

    public DataSettings {
        Checks.positive("train-prompts", trainPrompts);
        java.util.Objects.requireNonNull(pairRules, "pairRules");
    }

    /** Settings with TRL's pair rules ({@link PairRules#trl}). */
    public DataSettings(String pairs, String heldoutPairs, int trainPrompts, long dataSeed) {
        this(pairs, heldoutPairs, trainPrompts, dataSeed, PairRules.trl());
    }

    /** These settings without pair files (PPO-style). */
    public DataSettings withoutPairs() {
        return new DataSettings(null, null, trainPrompts, dataSeed, pairRules);
    }

    /** These settings with other pair files. */
    public DataSettings withPairFiles(String newPairs, String newHeldoutPairs) {
        return new DataSettings(newPairs, newHeldoutPairs, trainPrompts, dataSeed, pairRules);
    }

    /** These settings without the held-out pair file. */
    public DataSettings withoutHeldoutPairs() {
        return new DataSettings(pairs, null, trainPrompts, dataSeed, pairRules);
    }
}
