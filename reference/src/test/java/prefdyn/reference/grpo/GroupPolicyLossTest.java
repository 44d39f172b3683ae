package prefdyn.reference.grpo;

import org.junit.jupiter.api.Test;
import prefdyn.reference.dynamics.ComponentSeeds;
import prefdyn.reference.engine.BackwardSeeds;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.fixtures.RandomBatches;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.ppo.AdvantageTertiles;
import prefdyn.reference.ppo.PolicySeeds;
import prefdyn.reference.util.Parallel;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The seeds of {@link GroupPolicyLoss} are the derivatives of its loss (central differences in every log-prob, for
 * every aggregation, β = 0 and β &gt; 0, and RLOO), and they split exactly: total = positive + negative = the three
 * tertiles entry by entry, so that through a real backward ∇L = ∇L⁺ + ∇L⁻ to 1e-12.
 */
class GroupPolicyLossTest {

    private static final boolean[][] MASK = {{false, true, true, true}, {false, false, true, false},
            {false, true, true, false}, {true, true, true, true}};

    @Test
    void seedsAreTheDerivativesOfTheLoss() {
        Random random = new Random(5);
        for (int trial = 0; trial < 4; trial++) {
            double[][] old = draw(random, -3, 0.5);
            double[][] logProbs = shift(random, old, 0.15);
            double[][] reference = shift(random, logProbs, 0.5);
            double[][] advantages = GroupAdvantages.perToken(new double[] {1.3, -0.4, -0.9, 0.6}, MASK);
            int[][] tertiles = AdvantageTertiles.assign(advantages, MASK);
            for (GrpoLossType type : GrpoLossType.values()) {
                for (double beta : new double[] {0.0, 0.3}) {
                    GroupLossResult result = GroupPolicyLoss.grpo(logProbs, old, reference, advantages, MASK,
                            tertiles, 0.8, 1.2, beta, type, 5);
                    forEachToken((b, t) -> assertThat(result.seeds().total()[b][t]).as(type + " β " + beta)
                            .isCloseTo(difference(logProbs, b, t, lp -> GroupPolicyLoss.grpo(lp, old, reference,
                                    advantages, MASK, tertiles, 0.8, 1.2, beta, type, 5).loss()), within(1e-8)));
                }
            }
            GroupLossResult rloo = GroupPolicyLoss.rloo(logProbs, old, reference, advantages, MASK, tertiles, 0.6, 1.6);
            forEachToken((b, t) -> assertThat(rloo.seeds().total()[b][t]).as("RLOO")
                    .isCloseTo(difference(logProbs, b, t, lp -> GroupPolicyLoss.rloo(lp, old, reference, advantages,
                            MASK, tertiles, 0.6, 1.6).loss()), within(1e-8)));
        }
    }

    @Test
    void theSplitIsExactAndSoIsTheGradientSplit() {
        GptConfig config = new GptConfig(11, 8, 1, 2, 8, false, false);
        ReferenceEngine engine = ReferenceEngine.initialized(config, 3, Parallel.sequential());
        Random random = new Random(9);
        TokenBatch batch = RandomBatches.raggedBatch(random, config.vocabSize(), 4, 8);
        boolean[][] mask = batch.responseMask();
        double[][] logProbs = engine.forward(batch).tokenLogProbs();
        double[][] old = shift(random, logProbs, 0.2);
        double[][] reference = shift(random, logProbs, 0.3);
        double[] sequence = {0.7, -1.1, 0.2, -0.3};
        double[][] advantages = GroupAdvantages.perToken(sequence, mask);
        int[][] tertiles = AdvantageTertiles.assign(advantages, mask);
        for (GroupLossResult result : new GroupLossResult[] {
                GroupPolicyLoss.grpo(logProbs, old, reference, advantages, mask, tertiles, 0.8, 1.2, 0.2,
                        GrpoLossType.GRPO, 8),
                GroupPolicyLoss.rloo(logProbs, old, reference, advantages, mask, tertiles, 0.8, 1.2)}) {
            PolicySeeds seeds = result.seeds();
            for (int b = 0; b < mask.length; b++) {
                for (int t = 0; t < mask[b].length; t++) {
                    assertThat(seeds.positive()[b][t] + seeds.negative()[b][t]).isEqualTo(seeds.total()[b][t]);
                    assertThat(seeds.bottom()[b][t] + seeds.middle()[b][t] + seeds.top()[b][t])
                            .isEqualTo(seeds.total()[b][t]);
                }
            }
            new ComponentSeeds(BackwardSeeds.ofTokenLogProbs(seeds.total()),
                    BackwardSeeds.ofTokenLogProbs(seeds.positive()), BackwardSeeds.ofTokenLogProbs(seeds.negative()),
                    new BackwardSeeds[] {BackwardSeeds.ofTokenLogProbs(seeds.bottom()),
                            BackwardSeeds.ofTokenLogProbs(seeds.middle()), BackwardSeeds.ofTokenLogProbs(seeds.top())},
                    java.util.Map.of()).requireComponentsSumToTotal();
            double[] total = gradient(engine, batch, seeds.total());
            double[] positive = gradient(engine, batch, seeds.positive());
            double[] negative = gradient(engine, batch, seeds.negative());
            double scale = 0, error = 0, positiveMax = 0, negativeMax = 0;
            for (int i = 0; i < total.length; i++) {
                scale = Math.max(scale, Math.abs(total[i]));
                error = Math.max(error, Math.abs(total[i] - (positive[i] + negative[i])));
                positiveMax = Math.max(positiveMax, Math.abs(positive[i]));
                negativeMax = Math.max(negativeMax, Math.abs(negative[i]));
            }
            assertThat(positiveMax).isGreaterThan(0);
            assertThat(negativeMax).isGreaterThan(0);
            assertThat(error).isLessThanOrEqualTo(1e-12 * scale);
        }
    }

    private static double[] gradient(ReferenceEngine engine, TokenBatch batch, double[][] seeds) {
        engine.forward(batch);
        engine.zeroGradients();
        engine.backward(BackwardSeeds.ofTokenLogProbs(seeds));
        double[] gradient = new double[engine.layout().size()];
        engine.copyGradientsTo(gradient);
        return gradient;
    }

    interface TokenCheck {
        void check(int b, int t);
    }

    private static void forEachToken(TokenCheck check) {
        for (int b = 0; b < MASK.length; b++) {
            for (int t = 0; t < MASK[b].length; t++) {
                if (MASK[b][t]) {
                    check.check(b, t);
                }
            }
        }
    }

    private static double difference(double[][] logProbs, int b, int t,
                                     java.util.function.ToDoubleFunction<double[][]> loss) {
        double h = 1e-6;
        double[][] plus = copy(logProbs);
        double[][] minus = copy(logProbs);
        plus[b][t] += h;
        minus[b][t] -= h;
        return (loss.applyAsDouble(plus) - loss.applyAsDouble(minus)) / (plus[b][t] - minus[b][t]);
    }

    private static double[][] draw(Random random, double center, double scale) {
        double[][] x = new double[MASK.length][];
        for (int b = 0; b < MASK.length; b++) {
            x[b] = new double[MASK[b].length];
            for (int t = 0; t < x[b].length; t++) {
                x[b][t] = center + scale * random.nextGaussian();
            }
        }
        return x;
    }

    private static double[][] shift(Random random, double[][] x, double scale) {
        double[][] y = copy(x);
        for (double[] row : y) {
            for (int t = 0; t < row.length; t++) {
                row[t] += scale * random.nextGaussian();
            }
        }
        return y;
    }

    private static double[][] copy(double[][] x) {
        double[][] y = new double[x.length][];
        for (int b = 0; b < x.length; b++) {
            y[b] = x[b].clone();
        }
        return y;
    }
}
