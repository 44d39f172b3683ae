/**
 * Start models and engines ({@link prefdyn.cli.engine.Engines}): a checkpoint by directory or by the name of the
 * committed SFT model, the engine kinds ({@code --engine}) and PPO's critic.
 *
 * <p>May use: {@code prefdyn.cli.base}.
 */
package prefdyn.cli.engine;
