package prefdyn.cli.experiment;

import prefdyn.cli.engine.MemoryBudget;
import prefdyn.cli.run.Objective;
import prefdyn.cli.run.RunConfig;
import prefdyn.reference.checkpoint.LoadedCheckpoint;
import prefdyn.reference.model.GptConfig;

/** Whether a run's training step and its D′ fit the heap, checked before anything is written. */
final class RunMemory {

    private RunMemory() {
    }

    /**
     * Refuses a {@code --batch} (or PPO rollout, or D′ size) whose training step cannot fit the heap, before
     * anything is written ({@link MemoryBudget}): DPO forwards 2·batch rows, PPO batch rows of prompt + response;
     * the trained engines hold θ, ∂L/∂θ and two moments each, the frozen ones θ and a gradient.
     */
    static void require(RunConfig run, LoadedCheckpoint start) {
        Objective parsed = run.objective();
        int batch = run.steps().batch();
        int finalPrompts = run.measurement().finalPrompts();
        GptConfig config = start.config();
        long width = config.contextLength();
        long rows = parsed == Objective.DPO ? 2L * batch : batch;
        int arrays = parsed == Objective.PPO ? 4 + 4 + 2 : parsed == Objective.DPO || parsed.isGroup() ? 4 + 2 : 4;
        MemoryBudget.require("--batch " + batch, MemoryBudget.parameterArrays(config, arrays)
                + MemoryBudget.passBytes(config, rows, width));
        MemoryBudget.require("--final-prompts " + finalPrompts, MemoryBudget.parameterArrays(config, arrays)
                + MemoryBudget.passBytes(config, finalPrompts, width));
    }
}
