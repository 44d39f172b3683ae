package prefdyn.reference.model;

/**
 * A NaN or infinity appeared in a model output or gradient. The message names the quantity, the sequence and
 * the position (or the tensor) where it first appeared; trainers add the step.
 */
public final class NonFiniteValueException extends ArithmeticException {

    private final int sequence;

    public NonFiniteValueException(String message, int sequence) {
        super(message);
        this.sequence = sequence;
    }

    /** The batch index of the first sequence with a non-finite value, or -1 when it is not tied to one. */
    public int sequence() {
        return sequence;
    }
}
