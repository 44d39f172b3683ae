package prefdyn.reference.train;

import prefdyn.reference.engine.PolicyEngine;

import java.util.Map;

/** What {@link TrainingLoop} needs of SFT, DPO, reward-model and PPO trainers. */
public interface Trainer {

    /** The model being trained (its parameters are what checkpoints save). */
    PolicyEngine policy();

    /** The index t of the next update; θ(t) is the policy's parameters before it. */
    long currentStep();

    /** Performs update t and returns its metrics. */
    Map<String, Object> step();
}
