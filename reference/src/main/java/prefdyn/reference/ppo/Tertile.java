package prefdyn.reference.ppo;

/**
 * The three equal-sized |Â| groups of a batch's response tokens (paper §3.2: "top, middle and bottom"), in
 * ascending |Â|. {@link #index()} is the value stored in tertile arrays.
 */
public enum Tertile {
    BOTTOM,
    MIDDLE,
    TOP;

    /** 0 for bottom, 1 for middle, 2 for top. */
    public int index() {
        return ordinal();
    }

    public static Tertile ofIndex(int index) {
        return values()[index];
    }
}
