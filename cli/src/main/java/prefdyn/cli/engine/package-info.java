/**
 * Start models and engines ({@link prefdyn.cli.engine.Engines}): a checkpoint by directory or by the name of the
 * committed SFT model, the engine kinds ({@code --engine}) and PPO's critic; {@link prefdyn.cli.engine.MemoryBudget}
 * (whether a model, a batch or a sampling job fits the heap, checked before allocating).
 *
 * <p>May use: {@code prefdyn.cli.base}.
 */
package prefdyn.cli.engine;
