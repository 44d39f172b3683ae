package prefdyn.cli.run;

/**
 * The {@code --component-norms} flag and the {@code component_norms} field of {@code config.json}: whether each DPO
 * and PPO update runs two backward passes, positive and then negative learning, and logs their norms and cosine
 * ({@code grad_norm/positive}, {@code grad_norm/negative}, {@code grad_cosine/positive_negative} in
 * {@code metrics.jsonl}), or one backward pass of the summed seeds (the default; the same gradient up to rounding,
 * docs/dynamics.md "One backward pass per training step"). G is measured the same way either way.
 */
public final class ComponentNorms {

    /** The config.json field. */
    public static final String FIELD = "component_norms";
    /** The option's name. */
    public static final String OPTION = "--component-norms";
    /** The option's description, shared by every command that takes it. */
    public static final String DESCRIPTION = "Run each DPO/PPO update as two backward passes (positive, then negative "
            + "learning) and log their norms and cosine; without it, one backward pass of the summed seeds (the same "
            + "gradient up to rounding, faster). G is unaffected.";

    private ComponentNorms() {
    }

    /**
     * The choice a config.json records; true when the field is absent, because configs written before it existed
     * were trained with the two passes (so that {@code analyze} replays them bit for bit).
     *
     * @throws IllegalArgumentException if the field is not a boolean
     */
    public static boolean fromConfig(Object field) {
        if (field == null) {
            return true;
        }
        if (field instanceof Boolean value) {
            return value;
        }
        throw new IllegalArgumentException("field \"" + FIELD + "\": expected true or false, got " + field);
    }

    /** The option as it appears in a recorded command line: {@value #OPTION} when set, nothing otherwise. */
    public static String commandSuffix(boolean componentNorms) {
        return componentNorms ? " " + OPTION : "";
    }
}
