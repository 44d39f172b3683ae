package prefdyn.reference.layers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import prefdyn.reference.util.Parallel;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static prefdyn.reference.layers.FiniteDifference.assertAccumulated;
import static prefdyn.reference.layers.FiniteDifference.assertMatches;
import static prefdyn.reference.layers.FiniteDifference.gaussian;
import static prefdyn.reference.layers.FiniteDifference.gradient;
import static prefdyn.reference.layers.FiniteDifference.loss;

/** TokenLogProb alone, and the chain logits → LogSoftmax → TokenLogProb that the model's loss starts from. */
class TokenLogProbGradientTest {

    /** The gather is linear in logProbs: no truncation error, so a large step only shrinks the round-off. */
    private static final double GATHER_STEP = 1e-3;
    /** The chain is smooth (log-softmax, see LogSoftmaxGradientTest): h = 1e-5 balances truncation and round-off. */
    private static final double CHAIN_STEP = 1e-5;

    @Test
    void knownAnswerPicksTheNextTokenFromThePreviousPosition() {
        // B = 2, T = 3, V = 2; logProbs[b,t,v] = −(100·b + 10·t + v) for readability.
        double[] logProbs = new double[12];
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < 3; t++) {
                for (int v = 0; v < 2; v++) {
                    logProbs[(b * 3 + t) * 2 + v] = -(100 * b + 10 * t + v);
                }
            }
        }
        int[] tokens = {0, 1, 0,
                        1, 1, 1};
        int[] lengths = {3, 2};
        double[] out = new double[6];

        TokenLogProb.tokenLogProbForward(out, logProbs, tokens, lengths, 2, 3, 2);

        assertThat(out).containsExactly(
                0.0, -1.0, -10.0,      // t=1: logProbs[0,0,1]; t=2: logProbs[0,1,0]
                0.0, -101.0, 0.0);     // t=1: logProbs[1,0,1]; t=2 is padding

        double[] dlogProbs = new double[12];
        TokenLogProb.tokenLogProbBackward(dlogProbs, new double[]{9, 1, 2, 9, 3, 9}, tokens, lengths, 2, 3, 2);

        assertThat(dlogProbs).containsExactly(
                0, 1, 2, 0, 0, 0,      // b=0: [t=0, v=1] ← 1, [t=1, v=0] ← 2
                0, 3, 0, 0, 0, 0);     // b=1: [t=0, v=1] ← 3; position 0 and padding seeds (9) are ignored
    }

    @Test
    void knownAnswerStatisticsOfAUniformDistribution() {
        int V = 5;
        double[] logProbs = new double[2 * V];
        Arrays.fill(logProbs, -Math.log(V));
        double[] entropies = new double[2];
        double[] maxProbs = new double[2];

        TokenLogProb.predictionStatistics(entropies, maxProbs, logProbs, new int[]{2}, 1, 2, V);

        assertThat(entropies[0]).isEqualTo(0.0);
        assertThat(maxProbs[0]).isEqualTo(0.0);
        assertThat(entropies[1]).isCloseTo(Math.log(V), within(1e-15));
        assertThat(maxProbs[1]).isCloseTo(1.0 / V, within(1e-15));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void gatherBackwardMatchesCentralDifferences(long seed) {
        Case c = Case.random(new Random(seed));
        double[] dlogProbs = new double[c.logits.length];

        TokenLogProb.tokenLogProbBackward(dlogProbs, c.upstream, c.tokens, c.lengths, c.B, c.T, c.V);

        assertMatches("TokenLogProb dlogProbs", dlogProbs,
                gradient(c.logits, GATHER_STEP, loss(c.upstream, c::gather)));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void logSoftmaxAndGatherChainMatchesCentralDifferences(long seed) {
        Case c = Case.random(new Random(seed));
        double[] dlogits = new double[c.logits.length];

        c.chainBackward(dlogits);

        assertMatches("LogSoftmax+TokenLogProb dlogits", dlogits,
                gradient(c.logits, CHAIN_STEP, loss(c.upstream, c::chain)));
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13})
    void backwardAccumulates(long seed) {
        Random random = new Random(seed);
        Case c = Case.random(random);
        double[] fresh = new double[c.logits.length];
        TokenLogProb.tokenLogProbBackward(fresh, c.upstream, c.tokens, c.lengths, c.B, c.T, c.V);
        double[] prefill = gaussian(random, c.logits.length);
        double[] dlogProbs = prefill.clone();

        TokenLogProb.tokenLogProbBackward(dlogProbs, c.upstream, c.tokens, c.lengths, c.B, c.T, c.V);

        assertAccumulated("TokenLogProb dlogProbs", dlogProbs, prefill, fresh, 1);
        double[] freshChain = new double[c.logits.length];
        c.chainBackward(freshChain);
        double[] chain = prefill.clone();
        c.chainBackward(chain);
        assertAccumulated("LogSoftmax+TokenLogProb dlogits", chain, prefill, freshChain, 1);
    }

    /**
     * A ragged batch: lengths in [1, T], random tokens (padding included), and an upstream array that is random
     * everywhere, also at position 0 and on padding, where the forward writes 0 and backward must ignore it.
     */
    private record Case(int B, int T, int V, int[] tokens, int[] lengths, double[] logits, double[] upstream) {

        static Case random(Random random) {
            int B = 1 + random.nextInt(3);
            int T = 1 + random.nextInt(5);
            int V = 1 + random.nextInt(7);
            int[] tokens = new int[B * T];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = random.nextInt(V);
            }
            int[] lengths = new int[B];
            for (int b = 0; b < B; b++) {
                lengths[b] = 1 + random.nextInt(T);
            }
            return new Case(B, T, V, tokens, lengths, gaussian(random, B * T * V, 2.0), gaussian(random, B * T));
        }

        /** The gather alone, with {@code logits} standing in for the log-probs. */
        double[] gather() {
            double[] out = new double[B * T];
            TokenLogProb.tokenLogProbForward(out, logits, tokens, lengths, B, T, V);
            return out;
        }

        double[] chain() {
            double[] logProbs = new double[B * T * V];
            LogSoftmax.logSoftmaxForward(Parallel.sequential(), logProbs, logits, B * T, V);
            double[] out = new double[B * T];
            TokenLogProb.tokenLogProbForward(out, logProbs, tokens, lengths, B, T, V);
            return out;
        }

        void chainBackward(double[] dlogits) {
            double[] logProbs = new double[B * T * V];
            LogSoftmax.logSoftmaxForward(Parallel.sequential(), logProbs, logits, B * T, V);
            double[] dlogProbs = new double[B * T * V];
            TokenLogProb.tokenLogProbBackward(dlogProbs, upstream, tokens, lengths, B, T, V);
            LogSoftmax.logSoftmaxBackward(Parallel.sequential(), dlogits, dlogProbs, logProbs, B * T, V);
        }
    }
}
