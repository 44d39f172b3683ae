package prefdyn.reference.dynamics;

import prefdyn.reference.train.Trainer;

/**
 * A trainer whose current step can be decomposed into positive learning, negative learning and reweighting
 * groups — what the G measurement needs. DPO and PPO trainers implement it.
 */
public interface DecomposedObjective extends Trainer {

    /**
     * Runs the forward of the current step's batch D_t on the policy at its current parameters θ(t) and returns
     * the seeds of the objective and its parts. Must leave the parameters, the optimizer and the step counter
     * unchanged, so that {@link #step()} afterwards performs exactly the update it would have performed.
     */
    ComponentSeeds componentSeeds();
}
