package prefdyn.cli.run;

import prefdyn.cli.base.UserError;
import prefdyn.reference.dynamics.GradientAlignment.ComponentPasses;

/**
 * The {@code --g-passes} option and the {@code g_passes} field of {@code config.json}: how G's component gradients
 * are computed ({@link ComponentPasses}). {@value #EVERY}: one backward pass per component (6; the default, and
 * what runs written before the field existed used). {@value #LINEAR}: 4 passes, the total and the top tertile by
 * linearity; the values agree with {@value #EVERY} up to rounding.
 */
public final class GPasses {

    public static final String EVERY = "every";
    public static final String LINEAR = "linear";
    /** The config.json field. */
    public static final String FIELD = "g_passes";
    /** The option's description, shared by every command that takes it. */
    public static final String DESCRIPTION = "How G's component gradients are computed: every (one backward pass per "
            + "component, 6) or linear (4 passes; the total and the top tertile by linearity, equal up to rounding). "
            + "Default: ${DEFAULT-VALUE}.";

    private GPasses() {
    }

    /** The mode of an option value: {@value #EVERY} or {@value #LINEAR}. */
    public static ComponentPasses parse(String value) {
        return switch (value) {
            case EVERY -> ComponentPasses.EVERY_COMPONENT;
            case LINEAR -> ComponentPasses.BY_LINEARITY;
            default -> throw new UserError("unknown --g-passes '" + value + "'; expected " + EVERY + " or " + LINEAR);
        };
    }

    /** The option value of a mode. */
    public static String name(ComponentPasses passes) {
        return switch (passes) {
            case EVERY_COMPONENT -> EVERY;
            case BY_LINEARITY -> LINEAR;
        };
    }

    /**
     * The mode a config.json records, {@value #EVERY} when the field is absent (configs written before it existed).
     *
     * @throws IllegalArgumentException if the field is not one of the two names
     */
    public static ComponentPasses fromConfig(Object field) {
        if (field == null) {
            return ComponentPasses.EVERY_COMPONENT;
        }
        if (field instanceof String value && (value.equals(EVERY) || value.equals(LINEAR))) {
            return parse(value);
        }
        throw new IllegalArgumentException("field \"" + FIELD + "\": expected \"" + EVERY + "\" or \"" + LINEAR
                + "\", got " + field);
    }
}
