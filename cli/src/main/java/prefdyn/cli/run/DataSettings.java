package prefdyn.cli.run;

/**
 * What a run trains and probes on. File paths are stored as given; relative ones resolve against the run directory.
 *
 * @param pairs        DPO's training pairs (TRL JSONL) or null
 * @param heldoutPairs pairs for the held-out likelihood probe (TRL JSONL) or null
 * @param trainPrompts PPO's prompt dataset size (IMDb half A openings)
 * @param dataSeed     seeds the choice of prompts
 */
public record DataSettings(String pairs, String heldoutPairs, int trainPrompts, long dataSeed) {

    public DataSettings {
        Checks.positive("train-prompts", trainPrompts);
    }

    /** These settings without pair files (PPO-style). */
    public DataSettings withoutPairs() {
        return new DataSettings(null, null, trainPrompts, dataSeed);
    }

    /** These settings without the held-out pair file. */
    public DataSettings withoutHeldoutPairs() {
        return new DataSettings(pairs, null, trainPrompts, dataSeed);
    }
}
