package prefdyn.reference.train;

import prefdyn.reference.engine.PolicyEngine;

import java.util.LinkedHashMap;
import java.util.Map;

/** What {@link TrainingLoop} needs of SFT, DPO, reward-model and PPO trainers. */
public interface Trainer {

    /** The model being trained (its parameters are what checkpoints save). */
    PolicyEngine policy();

    /** The index t of the next update; θ(t) is the policy's parameters before it. */
    long currentStep();

    /** Performs update t and returns its metrics. */
    Map<String, Object> step();

    /**
     * What a trainer carries from one step to the next besides its engines' θ and optimizer state and the step
     * index: JSON values (a KL coefficient, λ±) and arrays (a probe gradient). Saved in a {@link ResumePoint}.
     */
    record State(Map<String, Object> values, Map<String, double[]> arrays) {

        /** Nothing: the step's work is a function of θ, the optimizer state and t. */
        public static final State NONE = new State(Map.of(), Map.of());

        public State {
            values = new LinkedHashMap<>(values);
            arrays = new LinkedHashMap<>(arrays);
        }
    }

    /** The engines a resume point saves (θ and AdamW's state), by name, the policy first. */
    default Map<String, PolicyEngine> trainedEngines() {
        return Map.of("policy", policy());
    }

    /** The trainer's own state after {@link #currentStep()} steps (see {@link State}). */
    default State state() {
        return State.NONE;
    }

    /**
     * Continues at step {@code step} with {@code state} (from {@link #state()} of an identical trainer), after the
     * {@link #trainedEngines()} were restored. Everything else a step uses (data order, schedules, random streams)
     * is a function of the seed and the step.
     *
     * @throws UnsupportedOperationException if this trainer cannot resume
     */
    default void resumeAt(long step, State state) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot resume");
    }
}
