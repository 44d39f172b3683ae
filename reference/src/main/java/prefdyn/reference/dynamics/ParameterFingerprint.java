package prefdyn.reference.dynamics;

/**
 * A 64-bit FNV-1a hash of the raw bits of a parameter vector, written as 16 hex digits. Two runs that claim to
 * pass through the same θ(t) must produce the same fingerprint; one differing bit changes it.
 */
public final class ParameterFingerprint {

    private ParameterFingerprint() {
    }

    /** @param params [P] */
    public static String of(double[] params) {
        long hash = 0xcbf29ce484222325L;
        for (double value : params) {
            long bits = Double.doubleToRawLongBits(value);
            for (int shift = 0; shift < 64; shift += 8) {
                hash ^= (bits >>> shift) & 0xff;
                hash *= 0x100000001b3L;
            }
        }
        return String.format("%016x", hash);
    }
}
