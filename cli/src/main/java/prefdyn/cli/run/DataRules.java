package prefdyn.cli.run;

import java.util.Map;
import prefdyn.datasets.PairRules;

/**
 * The {@code --data-rules} option and its fields in {@code config.json} ({@code data_rules}, {@code truncation_mode},
 * {@code max_length}, {@code max_prompt_length}, {@code max_completion_length}): how pair files become token pairs
 * ({@link PairRules}; {@code docs/paper-map.md}, "Pair data rules"). {@code trl} (the default) appends and scores an
 * end-of-text and truncates only what exceeds max_length; {@code prefdyn-v1} is the rule of the committed findings.
 */
public final class DataRules {

    /** The config.json field of the kind of rules. */
    public static final String FIELD = "data_rules";
    /** The option's name. */
    public static final String OPTION = "--data-rules";
    /** The option's description, shared by every command that takes it. */
    public static final String DESCRIPTION = "How pairs become tokens: trl (TRL's DPOTrainer: an end-of-text appended "
            + "to and scored on each response, truncation only where prompt + response exceeds the model's context) "
            + "or prefdyn-v1 (the committed findings' rule: prompt and responses cut to half the context each, no "
            + "end-of-text). Default: trl.";

    private DataRules() {
    }

    /** Parses the option's value, with a one-line error. */
    public static PairRules.Kind parse(String name) {
        try {
            return PairRules.Kind.parse(name);
        } catch (IllegalArgumentException e) {
            throw new prefdyn.cli.base.UserError(OPTION + ": " + e.getMessage());
        }
    }

    /** Writes {@code rules} into a config.json object. */
    public static void put(Map<String, Object> json, PairRules rules) {
        json.put(FIELD, rules.kind().cliName());
        if (rules.kind() == PairRules.Kind.TRL) {
            json.put("truncation_mode", rules.truncationMode().cliName());
            json.put("max_length", (long) rules.maxLength());
            json.put("max_prompt_length", (long) rules.maxPromptLength());
            json.put("max_completion_length", (long) rules.maxCompletionLength());
        }
    }

    /**
     * The rules a config.json records; {@code prefdyn-v1} when {@value #FIELD} is absent, because configs written
     * before it existed were trained by that rule (so that {@code analyze} replays them bit for bit).
     */
    public static PairRules fromConfig(Map<String, Object> json) {
        Object field = json.get(FIELD);
        if (field == null) {
            return PairRules.prefdynV1();
        }
        if (!(field instanceof String name)) {
            throw new IllegalArgumentException("field \"" + FIELD + "\": expected \"trl\" or \"prefdyn-v1\"");
        }
        PairRules.Kind kind = PairRules.Kind.parse(name);
        if (kind == PairRules.Kind.PREFDYN_V1) {
            return PairRules.prefdynV1();
        }
        Object mode = json.get("truncation_mode");
        return new PairRules(kind,
                mode == null ? PairRules.TruncationMode.KEEP_START : PairRules.TruncationMode.parse(String.valueOf(mode)),
                integer(json, "max_length"), integer(json, "max_prompt_length"), integer(json, "max_completion_length"));
    }

    /** The option as it appears in a recorded command line: nothing for the default {@code trl}. */
    public static String commandSuffix(PairRules rules) {
        return rules.kind() == PairRules.Kind.TRL ? "" : " " + OPTION + " " + rules.kind().cliName();
    }

    private static int integer(Map<String, Object> json, String key) {
        Object value = json.get(key);
        if (value == null) {
            return 0;
        }
        if (!(value instanceof Long number)) {
            throw new IllegalArgumentException("field \"" + key + "\": expected an integer, got " + value);
        }
        return Math.toIntExact(number);
    }
}
