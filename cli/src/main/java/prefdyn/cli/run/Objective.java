package prefdyn.cli.run;

import prefdyn.cli.base.UserError;
import prefdyn.reference.dpo.DpoVariant;
import prefdyn.reference.ppo.PpoObjective;
import prefdyn.reference.ppo.Tertile;

import java.util.List;
import java.util.Locale;

/**
 * The training objectives the CLI runs, and the command-line names of their variants. GRPO and RLOO take PPO's
 * variants: they decompose by the sign of Â and reweight by |Â| tertile exactly as PPO does.
 */
public enum Objective {
    SFT, DPO, PPO, GRPO, RLOO;

    /** The objective named {@code name} (case-insensitive), or a one-line error listing the choices. */
    public static Objective parse(String name) {
        for (Objective objective : values()) {
            if (objective.cliName().equalsIgnoreCase(name)) {
                return objective;
            }
        }
        throw new UserError("unknown objective '" + name + "'; expected one of sft, dpo, ppo, grpo, rloo");
    }

    /** Whether this is a group-relative objective (GRPO, RLOO): completions sampled in groups, no critic. */
    public boolean isGroup() {
        return this == GRPO || this == RLOO;
    }

    /** Whether this objective samples its own training data from prompts (PPO, GRPO, RLOO). */
    public boolean isOnPolicy() {
        return this == PPO || isGroup();
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The variant names this objective accepts on the command line. */
    public List<String> variants() {
        return switch (this) {
            case SFT -> List.of("standard");
            case DPO -> List.of("standard", "positive-only", "negative-only", "unweighted", "controlled",
                    "hard-switch", "coordinated");
            case PPO, GRPO, RLOO -> List.of("standard", "positive-only", "negative-only", "unweighted", "controlled",
                    "top-tertile", "middle-tertile", "bottom-tertile");
        };
    }

    /** Checks that {@code variant} is one of {@link #variants()}. */
    public String requireVariant(String variant) {
        if (!variants().contains(variant)) {
            throw new UserError("unknown " + cliName() + " variant '" + variant + "'; expected one of "
                    + String.join(", ", variants()));
        }
        return variant;
    }

    /** The reference's DPO variant for a command-line name. */
    public static DpoVariant dpoVariant(String variant) {
        return DpoVariant.valueOf(variant.toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    /** The reference's PPO objective for a command-line name (also GRPO's and RLOO's). */
    public static PpoObjective ppoObjective(String variant) {
        return switch (variant) {
            case "standard" -> PpoObjective.standard();
            case "positive-only" -> PpoObjective.positiveOnly();
            case "negative-only" -> PpoObjective.negativeOnly();
            case "unweighted" -> PpoObjective.unweighted();
            case "controlled" -> PpoObjective.controlled(prefdyn.reference.ppo.ControlSchedule.defaults());
            case "top-tertile" -> PpoObjective.singleTertile(Tertile.TOP);
            case "middle-tertile" -> PpoObjective.singleTertile(Tertile.MIDDLE);
            case "bottom-tertile" -> PpoObjective.singleTertile(Tertile.BOTTOM);
            default -> throw new UserError("unknown ppo variant '" + variant + "'");
        };
    }
}
