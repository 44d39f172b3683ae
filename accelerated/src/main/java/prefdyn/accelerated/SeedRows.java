package prefdyn.accelerated;

import prefdyn.reference.model.NonFiniteValueException;

/**
 * Backward seeds [B][W] checked and flattened to the model's [B,T] layout exactly as {@code GptModel} does it,
 * with the same exceptions and messages: wrong shapes, non-zero seeds where the model has no output (padding, or
 * position 0 for log-probs), and non-finite seeds.
 */
final class SeedRows {

    private SeedRows() {
    }

    /**
     * @param logProbs whether these are token log-prob seeds (position 0 has no log-prob)
     * @return [B·T] flat seeds, or null when {@code rows} is null
     */
    static double[] unpack(String name, double[][] rows, BatchInputs inputs, boolean logProbs) {
        if (rows == null) {
            return null;
        }
        int B = inputs.batchSize();
        int T = inputs.width();
        int W = inputs.paddedWidth();
        if (rows.length != B) {
            throw new IllegalArgumentException(name + " seeds: expected " + B + " rows, got " + rows.length);
        }
        double[] flat = new double[B * T];
        for (int b = 0; b < B; b++) {
            if (rows[b].length != W) {
                throw new IllegalArgumentException(name + " seeds, sequence " + b + ": expected width " + W
                        + ", got " + rows[b].length);
            }
            int length = inputs.lengths()[b];
            for (int t = 0; t < W; t++) {
                double seed = rows[b][t];
                boolean hasOutput = t < length && (!logProbs || t >= 1);
                if (!hasOutput) {
                    if (seed != 0.0) {
                        throw new IllegalArgumentException(name + " seeds, sequence " + b + ", position " + t
                                + ": non-zero seed " + seed + " where the model has no output "
                                + (t >= length ? "(padding)" : "(position 0 has no log-prob)"));
                    }
                    continue;
                }
                if (!Double.isFinite(seed)) {
                    throw new NonFiniteValueException(name + " seed is " + seed + " in sequence " + b
                            + " at position " + t, b);
                }
                flat[b * T + t] = seed;
            }
        }
        return flat;
    }
}
