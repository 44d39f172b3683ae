package prefdyn.reference.ppo;

import org.junit.jupiter.api.Test;
import prefdyn.reference.engine.BackwardSeeds;
import prefdyn.reference.engine.ForwardResult;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.model.NonFiniteValueException;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PpoLossTest {

    private static final double EPS = 0.2;

    /**
     * Six tokens (ε = 0.2, logπ_old = 0, logπ = ln ρ), one per case of the surrogate's case analysis:
     * <pre>
     *   (Â, ρ)      ℓ = max(−Âρ, −Â·clip ρ)     active     seed
     *   (+1, 1.5)   max(−1.5, −1.2) = −1.2     clipped    0
     *   (+1, 0.5)   max(−0.5, −0.8) = −0.5     unclipped  −0.5/6
     *   (−1, 1.5)   max(1.5, 1.2) = 1.5        unclipped  1.5/6
     *   (−1, 0.5)   max(0.5, 0.8) = 0.8        clipped    0
     *   (+2, 1.1)   −2.2                       inside     −2.2/6
     *   (−2, 0.9)   1.8                        inside     1.8/6
     * </pre>
     * L = (−1.2 − 0.5 + 1.5 + 0.8 − 2.2 + 1.8)/6 = 0.2/6, clipfrac 2/6.
     */
    @Test
    void clippingKnownAnswer() {
        boolean[][] mask = PpoFixtures.mask(4, new int[] {1, 1}, new int[] {3, 3});
        double[][] advantages = {{0, 1, 1, -1}, {0, -1, 2, -2}};
        double[][] ratios = {{0, 1.5, 0.5, 1.5}, {0, 0.5, 1.1, 0.9}};
        double[][] logProbs = new double[2][4];
        for (int b = 0; b < 2; b++) {
            for (int t = 1; t < 4; t++) {
                logProbs[b][t] = Math.log(ratios[b][t]);
            }
        }
        PolicyLossResult result = PpoLoss.policyLoss(logProbs, new double[2][4], advantages, mask, EPS);
        assertThat(result.loss()).isCloseTo(0.2 / 6, within(1e-15));
        assertThat(result.clipFraction()).isEqualTo(2.0 / 6);
        assertThat(result.seeds().total()[0]).containsExactly(new double[] {0, 0, -0.5 / 6, 1.5 / 6}, within(1e-15));
        assertThat(result.seeds().total()[1]).containsExactly(new double[] {0, 0, -2.2 / 6, 1.8 / 6}, within(1e-15));
        assertThat(result.seeds().total()[0][1]).isEqualTo(0.0);
        assertThat(result.seeds().total()[1][1]).isEqualTo(0.0);
        assertThat(result.clipped()[0]).containsExactly(false, true, false, false);
        assertThat(result.clipped()[1]).containsExactly(false, true, false, false);
    }

    /** The seed is 0 exactly where (Â &gt; 0 and ρ &gt; 1+ε) or (Â &lt; 0 and ρ &lt; 1−ε), and −Âρ/n elsewhere. */
    @Test
    void clippingZeroesExactlyTheTokensItShould() {
        Random random = new Random(21);
        int clippedSeen = 0;
        int unclippedOutsideSeen = 0;
        for (int trial = 0; trial < 50; trial++) {
            boolean[][] mask = PpoFixtures.mask(9, new int[] {1, 3, 2}, new int[] {8, 5, 6});
            double[][] advantages = PpoFixtures.gaussian(random, mask, 1.0);
            double[][] oldLogProbs = PpoFixtures.gaussian(random, mask, 1.0);
            double[][] logProbs = PpoFixtures.copy(oldLogProbs);
            for (int b = 0; b < mask.length; b++) {
                for (int t = 0; t < 9; t++) {
                    if (mask[b][t]) {
                        logProbs[b][t] += 1.2 * (random.nextDouble() - 0.5);  // log-ratio in (−0.6, 0.6)
                    }
                }
            }
            int n = PpoFixtures.count(mask);
            PolicySeeds seeds = PpoLoss.policySeeds(logProbs, oldLogProbs, advantages, mask, EPS);
            for (int b = 0; b < mask.length; b++) {
                for (int t = 0; t < 9; t++) {
                    if (!mask[b][t]) {
                        assertThat(seeds.total()[b][t]).isEqualTo(0.0);
                        continue;
                    }
                    double a = advantages[b][t];
                    double rho = Math.exp(logProbs[b][t] - oldLogProbs[b][t]);
                    boolean shouldClip = (a > 0 && rho > 1 + EPS) || (a < 0 && rho < 1 - EPS);
                    if (shouldClip) {
                        assertThat(seeds.total()[b][t]).isEqualTo(0.0);
                        clippedSeen++;
                    } else {
                        assertThat(seeds.total()[b][t]).isEqualTo(-a * rho / n).isNotEqualTo(0.0);
                        if (rho > 1 + EPS || rho < 1 - EPS) {
                            unclippedOutsideSeen++;
                        }
                    }
                }
            }
        }
        assertThat(clippedSeen).isGreaterThan(50);
        assertThat(unclippedOutsideSeen).isGreaterThan(50);
    }

    /**
     * At ρ = 1 (logπ_old = logπ) nothing is clipped and the seeds are exactly −Â_t/n, so the engine gradient is
     * bit for bit that of −mean_t Â_t·logπ_t; it also equals −(1/n)·Σ_t Â_t·∇logπ_t built from one backward per
     * token.
     */
    @Test
    void atRatioOneTheGradientIsMinusMeanAdvantageTimesGradLogProb() {
        Random random = new Random(4);
        ReferenceEngine engine = PpoFixtures.engine(PpoFixtures.SMALL, 9);
        TokenBatch batch = PpoFixtures.batch(random, 11, new int[] {1, 2}, new int[] {4, 3});
        boolean[][] mask = batch.responseMask();
        int n = PpoFixtures.count(mask);
        double[][] advantages = PpoFixtures.gaussian(random, mask, 1.0);
        ForwardResult forward = engine.forward(batch);
        PolicyLossResult result = PpoLoss.policyLoss(forward.tokenLogProbs(), PpoFixtures.copy(forward.tokenLogProbs()),
                advantages, mask, EPS);

        double[][] byHand = new double[2][batch.width()];
        double meanAdvantage = 0;
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < batch.width(); t++) {
                if (mask[b][t]) {
                    byHand[b][t] = -advantages[b][t] / n;
                    meanAdvantage += advantages[b][t] / n;
                }
            }
        }
        assertThat(result.seeds().total()).isDeepEqualTo(byHand);
        assertThat(result.clipFraction()).isEqualTo(0.0);
        assertThat(result.approxKl()).isEqualTo(0.0);
        assertThat(result.meanRatio()).isEqualTo(1.0);
        assertThat(result.loss()).isCloseTo(-meanAdvantage, within(1e-15));

        double[] fromLoss = Gradients.of(engine, batch, BackwardSeeds.ofTokenLogProbs(result.seeds().total()));
        double[] fromHand = Gradients.of(engine, batch, BackwardSeeds.ofTokenLogProbs(byHand));
        assertThat(fromLoss).containsExactly(fromHand);

        double[] sumOfTokenGradients = new double[fromLoss.length];
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < batch.width(); t++) {
                if (!mask[b][t]) {
                    continue;
                }
                double[][] unit = new double[2][batch.width()];
                unit[b][t] = 1.0;
                double[] gradLogProb = Gradients.of(engine, batch, BackwardSeeds.ofTokenLogProbs(unit));
                for (int i = 0; i < gradLogProb.length; i++) {
                    sumOfTokenGradients[i] += -advantages[b][t] / n * gradLogProb[i];
                }
            }
        }
        Gradients.assertClose(fromLoss, sumOfTokenGradients, 1e-12);
    }

    /** total = positive + negative = bottom + middle + top, bit for bit, and the parts partition the tokens. */
    @Test
    void splitSeedsAddUpExactly() {
        Random random = new Random(12);
        for (int trial = 0; trial < 50; trial++) {
            boolean[][] mask = PpoFixtures.mask(8, new int[] {1, 2, 4}, new int[] {7, 3, 1});
            double[][] advantages = PpoFixtures.gaussian(random, mask, 1.0);
            double[][] oldLogProbs = PpoFixtures.gaussian(random, mask, 1.0);
            double[][] logProbs = PpoFixtures.gaussian(random, mask, 0.3);
            for (int b = 0; b < 3; b++) {
                for (int t = 0; t < 8; t++) {
                    logProbs[b][t] += oldLogProbs[b][t];
                }
            }
            PolicySeeds seeds = PpoLoss.policySeeds(logProbs, oldLogProbs, advantages, mask, EPS);
            int[][] tertiles = AdvantageTertiles.assign(advantages, mask);
            assertThat(seeds.tertiles()).isDeepEqualTo(tertiles);
            for (int b = 0; b < 3; b++) {
                for (int t = 0; t < 8; t++) {
                    double total = seeds.total()[b][t];
                    assertThat(seeds.positive()[b][t] + seeds.negative()[b][t]).isEqualTo(total);
                    assertThat(seeds.bottom()[b][t] + seeds.middle()[b][t] + seeds.top()[b][t]).isEqualTo(total);
                    if (!mask[b][t]) {
                        assertThat(tertiles[b][t]).isEqualTo(-1);
                        continue;
                    }
                    boolean positive = advantages[b][t] > 0;
                    assertThat(positive ? seeds.negative()[b][t] : seeds.positive()[b][t]).isEqualTo(0.0);
                    for (Tertile tertile : Tertile.values()) {
                        double expected = tertile.index() == tertiles[b][t] ? total : 0.0;
                        assertThat(seeds.tertile(tertile)[b][t]).isEqualTo(expected);
                    }
                }
            }
        }
    }

    /** ∇L = ∇L_pos + ∇L_neg = Σ_k ∇L_tertile(k) through the model, to 1e-12 relative. */
    @Test
    void gradientsOfThePartsSumToTheGradient() {
        Random random = new Random(13);
        ReferenceEngine engine = PpoFixtures.engine(PpoFixtures.SMALL, 10);
        TokenBatch batch = PpoFixtures.batch(random, 11, new int[] {1, 3, 2}, new int[] {5, 2, 4});
        boolean[][] mask = batch.responseMask();
        double[][] logProbs = engine.forward(batch).tokenLogProbs();
        double[][] oldLogProbs = PpoFixtures.copy(logProbs);
        for (int b = 0; b < 3; b++) {
            for (int t = 0; t < batch.width(); t++) {
                if (mask[b][t]) {
                    oldLogProbs[b][t] += 0.4 * random.nextGaussian();
                }
            }
        }
        double[][] advantages = PpoFixtures.gaussian(random, mask, 1.0);
        PolicySeeds seeds = PpoLoss.policySeeds(logProbs, oldLogProbs, advantages, mask, EPS);
        double[] total = Gradients.of(engine, batch, BackwardSeeds.ofTokenLogProbs(seeds.total()));
        double[] positive = Gradients.of(engine, batch, BackwardSeeds.ofTokenLogProbs(seeds.positive()));
        double[] negative = Gradients.of(engine, batch, BackwardSeeds.ofTokenLogProbs(seeds.negative()));
        double[] bottom = Gradients.of(engine, batch, BackwardSeeds.ofTokenLogProbs(seeds.bottom()));
        double[] middle = Gradients.of(engine, batch, BackwardSeeds.ofTokenLogProbs(seeds.middle()));
        double[] top = Gradients.of(engine, batch, BackwardSeeds.ofTokenLogProbs(seeds.top()));
        double[] signSum = new double[total.length];
        double[] tertileSum = new double[total.length];
        for (int i = 0; i < total.length; i++) {
            signSum[i] = positive[i] + negative[i];
            tertileSum[i] = bottom[i] + middle[i] + top[i];
        }
        assertThat(Gradients.maxAbs(positive)).isGreaterThan(0.0);
        assertThat(Gradients.maxAbs(negative)).isGreaterThan(0.0);
        Gradients.assertClose(signSum, total, 1e-12);
        Gradients.assertClose(tertileSum, total, 1e-12);
    }

    /**
     * The clipped surrogate's seeds, pushed through the model, match central differences of the surrogate itself
     * (tokens placed inside the clip range, clipped, and outside but unclipped, away from the kinks).
     */
    @Test
    void policyLossGradientMatchesFiniteDifferences() {
        Random random = new Random(14);
        ReferenceEngine engine = PpoFixtures.engine(PpoFixtures.SMALL, 11);
        TokenBatch batch = PpoFixtures.batch(random, 11, new int[] {1, 2, 3}, new int[] {4, 3, 4});
        boolean[][] mask = batch.responseMask();
        double[][] logProbs = engine.forward(batch).tokenLogProbs();
        double[] logRatios = {0.0, 0.08, -0.1, 0.5, -0.5};
        double[][] oldLogProbs = PpoFixtures.copy(logProbs);
        double[][] advantages = new double[3][batch.width()];
        int k = 0;
        for (int b = 0; b < 3; b++) {
            for (int t = 0; t < batch.width(); t++) {
                if (mask[b][t]) {
                    oldLogProbs[b][t] -= logRatios[k % logRatios.length];
                    advantages[b][t] = (k % 2 == 0 ? 1 : -1) * (0.5 + random.nextDouble());
                    k++;
                }
            }
        }
        PolicyLossResult result = PpoLoss.policyLoss(logProbs, oldLogProbs, advantages, mask, EPS);
        assertThat(result.clipFraction()).isGreaterThan(0.0).isLessThan(1.0);
        double[] analytic = Gradients.of(engine, batch, BackwardSeeds.ofTokenLogProbs(result.seeds().total()));
        double[] numeric = Gradients.centralDifferences(engine, () -> PpoLoss.policyLoss(
                engine.forward(batch).tokenLogProbs(), oldLogProbs, advantages, mask, EPS).loss(), 1e-5);
        Gradients.assertMatchesFiniteDifferences(analytic, numeric);
    }

    /**
     * The clipped value loss 0.5·mean max((V−R)², (clip(V, V_old ± ε_v) − R)²), differentiated through the value
     * head at position t − 1, matches central differences: tokens inside the clip range, clipped-and-active, and
     * outside-but-unclipped.
     */
    @Test
    void valueLossGradientMatchesFiniteDifferences() {
        Random random = new Random(15);
        ReferenceEngine critic = PpoFixtures.engine(PpoFixtures.SMALL, 12);
        TokenBatch batch = PpoFixtures.batch(random, 11, new int[] {1, 2, 3}, new int[] {4, 3, 4});
        boolean[][] mask = batch.responseMask();
        double[][] values = ValueAlignment.stateValues(critic.forward(batch).values(), mask);
        double[][] oldValues = PpoFixtures.copy(values);
        double[][] returns = new double[3][batch.width()];
        int k = 0;
        for (int b = 0; b < 3; b++) {
            for (int t = 0; t < batch.width(); t++) {
                if (!mask[b][t]) {
                    continue;
                }
                double sign = random.nextBoolean() ? 1 : -1;
                switch (k++ % 3) {
                    case 0 -> {   // inside the clip range: V_old = V ± 0.05
                        oldValues[b][t] = values[b][t] + sign * 0.05;
                        returns[b][t] = values[b][t] + random.nextGaussian();
                    }
                    case 1 -> {   // outside, R near V: the clipped term is larger, seed 0
                        oldValues[b][t] = values[b][t] + sign * 0.5;
                        returns[b][t] = values[b][t] - sign * 0.05;
                    }
                    default -> {  // outside, R beyond V_old: the unclipped term is larger
                        oldValues[b][t] = values[b][t] + sign * 0.5;
                        returns[b][t] = values[b][t] + sign * 2.0;
                    }
                }
            }
        }
        double cliprangeValue = 0.2;
        ValueLossResult result = PpoLoss.valueLoss(values, oldValues, returns, mask, cliprangeValue);
        assertThat(result.clipFraction()).isGreaterThan(0.0).isLessThan(1.0);
        double[] analytic = Gradients.of(critic, batch,
                new BackwardSeeds(null, ValueAlignment.outputSeeds(result.seeds(), mask), null));
        double[] numeric = Gradients.centralDifferences(critic, () -> PpoLoss.valueLoss(
                ValueAlignment.stateValues(critic.forward(batch).values(), mask), oldValues, returns, mask,
                cliprangeValue).loss(), 1e-5);
        Gradients.assertMatchesFiniteDifferences(analytic, numeric);
    }

    /**
     * ε_v = 0.2, n = 3:
     * <pre>
     *   V = 0,   V_old = 0.5, R = 1:  V^c = 0.3, (V−R)² = 1 &gt; 0.49: unclipped, ½·1,      seed (0−1)/3
     *   V = 0,   V_old = 0.5, R = 0:  (V−R)² = 0 &lt; 0.09:             clipped,   ½·0.09,   seed 0
     *   V = 0.1, V_old = 0,   R = 1:  inside, (0.9)²:                            ½·0.81,   seed −0.9/3
     * </pre>
     */
    @Test
    void valueLossKnownAnswer() {
        boolean[][] mask = PpoFixtures.mask(4, new int[] {1}, new int[] {3});
        ValueLossResult result = PpoLoss.valueLoss(new double[][] {{0, 0, 0, 0.1}}, new double[][] {{0, 0.5, 0.5, 0}},
                new double[][] {{0, 1, 0, 1}}, mask, 0.2);
        assertThat(result.loss()).isCloseTo((0.5 + 0.045 + 0.405) / 3, within(1e-15));
        assertThat(result.clipFraction()).isEqualTo(1.0 / 3);
        assertThat(result.seeds()[0]).containsExactly(new double[] {0, -1.0 / 3, 0, -0.9 / 3}, within(1e-15));
    }

    /** V(s_t) is the output at t − 1, and value seeds go back to t − 1. */
    @Test
    void valueAlignmentShiftsByOnePosition() {
        boolean[][] mask = PpoFixtures.mask(5, new int[] {2}, new int[] {2});
        double[][] outputs = {{10, 11, 12, 13, 14}};
        assertThat(ValueAlignment.stateValues(outputs, mask)[0]).containsExactly(0, 0, 11, 12, 0);
        assertThat(ValueAlignment.outputSeeds(new double[][] {{0, 0, 0.5, -1, 0}}, mask)[0])
                .containsExactly(0, 0.5, -1, 0, 0);
    }

    @Test
    void badInputGivesClearErrors() {
        boolean[][] mask = PpoFixtures.mask(3, new int[] {1}, new int[] {2});
        double[][] x = new double[1][3];
        assertThatThrownBy(() -> PpoLoss.policyLoss(x, x, x, mask, 0.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cliprange must be finite and > 0");
        assertThatThrownBy(() -> PpoLoss.policyLoss(x, x, x, mask, -0.1)).hasMessageContaining("cliprange");
        assertThatThrownBy(() -> PpoLoss.valueLoss(x, x, x, mask, Double.NaN)).hasMessageContaining("cliprangeValue");
        assertThatThrownBy(() -> PpoLoss.policyLoss(new double[1][4], x, x, mask, EPS))
                .hasMessageContaining("logProbs, sequence 0: expected width 3");
        assertThatThrownBy(() -> PpoLoss.policyLoss(x, x, x, new boolean[1][3], EPS))
                .hasMessageContaining("no response tokens");
        double[][] advantages = {{0, 1, Double.NaN}};
        assertThatThrownBy(() -> PpoLoss.policyLoss(x, x, advantages, mask, EPS))
                .isInstanceOf(NonFiniteValueException.class)
                .hasMessageContaining("sequence 0 at position 2");
    }
}
