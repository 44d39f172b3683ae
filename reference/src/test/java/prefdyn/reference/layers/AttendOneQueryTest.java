package prefdyn.reference.layers;

import org.junit.jupiter.api.Test;
import prefdyn.reference.util.Parallel;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static prefdyn.reference.layers.FiniteDifference.gaussian;

/**
 * {@link Attention#attendOneQuery}, the per-(sequence, head, position) attention shared by the full forward and
 * the KV-cached sampling step.
 */
class AttendOneQueryTest {

    @Test
    void knownAnswerWithKeysAndValuesInTheirOwnArrays() {
        // head size 2, scale 1/√2. q = (1, 0); k0 = (0, 0), k1 = (√2·ln 3, 0) → scores (0, ln 3) → weights (1/4, 3/4).
        // Keys and values at stride 3 (one unused slot between positions); v0 = (4, 0), v1 = (0, 8) → out = (1, 6).
        double[] query = {9, 1, 0};
        double[] keys = {0, 0, -1, Math.sqrt(2) * Math.log(3), 0, -1};
        double[] values = {-1, -1, 4, 0, -1, 0, 8};
        double[] out = {7, 7, 7};
        double[] weights = new double[3];

        Attention.attendOneQuery(out, 1, weights, 1, query, 1, keys, 0, values, 2, 3, 1, 2);

        assertThat(weights[1]).isCloseTo(0.25, within(1e-15));
        assertThat(weights[2]).isCloseTo(0.75, within(1e-15));
        assertThat(out[0]).isEqualTo(7); // outside [outStart, outStart + hs): untouched
        assertThat(out[1]).isCloseTo(1.0, within(1e-14));
        assertThat(out[2]).isCloseTo(6.0, within(1e-14));
    }

    @Test
    void compactKeysAndValuesGiveTheFullForwardsBits() {
        // what a KV cache does: copy each position's key and value out of qkv [B,T,3C] into arrays [T,C] of their
        // own, then attend one query against them; the result must be attentionForward's, bit for bit
        Random random = new Random(17);
        int B = 2;
        int T = 5;
        int H = 3;
        int headSize = 3;
        int C = H * headSize;
        double[] qkv = gaussian(random, B * T * 3 * C);
        double[] out = new double[B * T * C];
        double[] att = new double[B * H * T * T];
        Attention.attentionForward(Parallel.sequential(), out, att, qkv, B, T, C, H);

        for (int b = 0; b < B; b++) {
            double[] keys = new double[T * C];   // [T,C]
            double[] values = new double[T * C]; // [T,C]
            for (int t = 0; t < T; t++) {
                System.arraycopy(qkv, (b * T + t) * 3 * C + C, keys, t * C, C);
                System.arraycopy(qkv, (b * T + t) * 3 * C + 2 * C, values, t * C, C);
            }
            for (int t = 0; t < T; t++) {
                for (int h = 0; h < H; h++) {
                    double[] headOut = new double[headSize];
                    double[] weights = new double[t + 1];
                    Attention.attendOneQuery(headOut, 0, weights, 0, qkv, (b * T + t) * 3 * C + h * headSize,
                            keys, h * headSize, values, h * headSize, C, t, headSize);
                    int outStart = (b * T + t) * C + h * headSize;
                    int attRow = ((b * H + h) * T + t) * T;
                    String what = "b=" + b + " t=" + t + " h=" + h;
                    assertThat(headOut).as(what).containsExactly(Arrays.copyOfRange(out, outStart, outStart + headSize));
                    assertThat(weights).as(what).containsExactly(Arrays.copyOfRange(att, attRow, attRow + t + 1));
                }
            }
        }
    }
}
