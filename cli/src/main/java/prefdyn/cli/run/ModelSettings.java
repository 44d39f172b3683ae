package prefdyn.cli.run;

/**
 * The model of a run and what runs it.
 *
 * @param checkpoint the start model and the frozen reference: a directory or {@code committed-sft}
 * @param engine     reference, accelerated or vector (the engine kinds of {@code prefdyn.cli.engine.Engines})
 */
public record ModelSettings(String checkpoint, String engine) {
}
