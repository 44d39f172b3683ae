package prefdyn.reference.layers;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import prefdyn.reference.util.Parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static prefdyn.reference.layers.FiniteDifference.assertAccumulated;
import static prefdyn.reference.layers.FiniteDifference.assertMatches;
import static prefdyn.reference.layers.FiniteDifference.gaussian;
import static prefdyn.reference.layers.FiniteDifference.gradient;
import static prefdyn.reference.layers.FiniteDifference.loss;

class AttentionGradientTest {

    /**
     * Attention is smooth (dot products into a softmax); with unit-scale q, k, v the third derivatives are O(1), so
     * truncation h²/6 ≈ 2e-11 and round-off ε·|L|/h ≈ 1e-10 are both far below the criterion.
     */
    private static final double STEP = 1e-5;
    private static final Parallel PARALLEL = new Parallel(3);

    @AfterAll
    static void closePool() {
        PARALLEL.close();
    }

    @Test
    void knownAnswerTwoPositionsOneHeadOfSizeOne() {
        // C = H = 1: qkv[t] = [q_t, k_t, v_t]. Row 1 scores [q1·k0, q1·k1] = [0, ln 3] → softmax [1/4, 3/4].
        double[] qkv = {0.3, 0.0, 4.0,
                        1.0, Math.log(3.0), 8.0};
        double[] out = new double[2];
        double[] att = new double[4];

        Attention.attentionForward(Parallel.sequential(), out, att, qkv, 1, 2, 1, 1);

        assertThat(att[0]).isEqualTo(1.0);
        assertThat(att[1]).isEqualTo(0.0);
        assertThat(att[2]).isCloseTo(0.25, within(1e-15));
        assertThat(att[3]).isCloseTo(0.75, within(1e-15));
        assertThat(out[0]).isEqualTo(4.0);                          // the first position sees only itself
        assertThat(out[1]).isCloseTo(0.25 * 4.0 + 0.75 * 8.0, within(1e-14));
    }

    @Test
    void knownAnswerBackwardOfASinglePositionPassesGradientToTheValueOnly() {
        // T = 1: att = [1] whatever q and k are, so out = v, dv = dout and dq = dk = 0 exactly.
        double[] qkv = {0.5, -1.0, 2.0, 3.0, 7.0, -2.0}; // C = 2, H = 2: q = [0.5,-1], k = [2,3], v = [7,-2]
        double[] out = new double[2];
        double[] att = new double[2];
        Attention.attentionForward(Parallel.sequential(), out, att, qkv, 1, 1, 2, 2);
        assertThat(out).containsExactly(7.0, -2.0);
        double[] dqkv = new double[6];

        Attention.attentionBackward(Parallel.sequential(), dqkv, new double[]{1.5, -0.25}, qkv, att, 1, 1, 2, 2);

        assertThat(dqkv).containsExactly(0.0, 0.0, 0.0, 0.0, 1.5, -0.25);
    }

    /** Edge shapes first (T = 1, H = 1, head size 1), then random small shapes. */
    static Stream<Arguments> shapes() {
        List<Arguments> shapes = new ArrayList<>();
        shapes.add(Arguments.of(1, 1, 1, 1, 100L));   // B, T, C, H, seed
        shapes.add(Arguments.of(2, 1, 4, 2, 101L));   // T = 1
        shapes.add(Arguments.of(1, 5, 3, 1, 102L));   // H = 1
        shapes.add(Arguments.of(3, 4, 3, 3, 103L));   // head size 1
        Random random = new Random(104);
        for (int i = 0; i < 8; i++) {
            int H = 1 + random.nextInt(3);
            shapes.add(Arguments.of(1 + random.nextInt(3), 1 + random.nextInt(5), H * (1 + random.nextInt(3)), H,
                    random.nextLong()));
        }
        return shapes.stream();
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void backwardMatchesCentralDifferences(int B, int T, int C, int H, long seed) {
        Case c = Case.random(new Random(seed), B, T, C, H);
        double[] dqkv = new double[c.qkv.length];

        c.backward(dqkv);

        assertMatches("Attention dqkv", dqkv, gradient(c.qkv, STEP, loss(c.upstream, c::forward)));
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13})
    void backwardAccumulates(long seed) {
        Random random = new Random(seed);
        int H = 1 + random.nextInt(3);
        Case c = Case.random(random, 1 + random.nextInt(3), 1 + random.nextInt(5), H * (1 + random.nextInt(3)), H);
        double[] fresh = new double[c.qkv.length];
        c.backward(fresh);
        double[] prefill = gaussian(random, c.qkv.length);
        double[] dqkv = prefill.clone();

        c.backward(dqkv);

        // A key or value slot receives one += per query row and per element of the head: at most 2·T terms.
        assertAccumulated("Attention dqkv", dqkv, prefill, fresh, 2 * c.T);
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void attentionWeightsAreCausalAndRowsSumToOne(int B, int T, int C, int H, long seed) {
        Case c = Case.random(new Random(seed), B, T, C, H);
        double[] att = new double[B * H * T * T];

        Attention.attentionForward(PARALLEL, new double[B * T * C], att, c.qkv, B, T, C, H);

        for (int row = 0; row < B * H * T; row++) {
            int t = row % T;
            double sum = 0;
            for (int t2 = 0; t2 < T; t2++) {
                double weight = att[row * T + t2];
                if (t2 > t) {
                    assertThat(weight).as("att above the diagonal, row %d, column %d", row, t2).isEqualTo(0.0);
                } else {
                    assertThat(weight).isBetween(0.0, 1.0);
                }
                sum += weight;
            }
            assertThat(sum).as("row %d", row).isCloseTo(1.0, within(1e-15 * T));
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void laterPositionsDoNotChangeEarlierOutputs(int B, int T, int C, int H, long seed) {
        Random random = new Random(seed);
        Case c = Case.random(random, B, T, C, H);
        double[] before = c.forward();
        int changed = random.nextInt(T);
        double[] qkv = c.qkv.clone();
        for (int b = 0; b < B; b++) {
            for (int i = 0; i < 3 * C; i++) {
                qkv[(b * T + changed) * 3 * C + i] += 1.0 + random.nextGaussian();
            }
        }
        double[] after = new double[B * T * C];

        Attention.attentionForward(PARALLEL, after, new double[B * H * T * T], qkv, B, T, C, H);

        for (int b = 0; b < B; b++) {
            for (int t = 0; t < changed; t++) {
                for (int i = 0; i < C; i++) {
                    int index = (b * T + t) * C + i;
                    assertThat(Double.doubleToRawLongBits(after[index]))
                            .as("out[%d,%d,%d] after changing position %d", b, t, i, changed)
                            .isEqualTo(Double.doubleToRawLongBits(before[index]));
                }
            }
        }
    }

    /** Unit-scale random q, k, v for B sequences of T positions, C channels, H heads. */
    private record Case(int B, int T, int C, int H, double[] qkv, double[] upstream) {

        static Case random(Random random, int B, int T, int C, int H) {
            return new Case(B, T, C, H, gaussian(random, B * T * 3 * C), gaussian(random, B * T * C));
        }

        double[] forward() {
            double[] out = new double[B * T * C];
            Attention.attentionForward(Parallel.sequential(), out, new double[B * H * T * T], qkv, B, T, C, H);
            return out;
        }

        void backward(double[] dqkv) {
            double[] att = new double[B * H * T * T];
            Attention.attentionForward(PARALLEL, new double[B * T * C], att, qkv, B, T, C, H);
            Attention.attentionBackward(PARALLEL, dqkv, upstream, qkv, att, B, T, C, H);
        }
    }
}
