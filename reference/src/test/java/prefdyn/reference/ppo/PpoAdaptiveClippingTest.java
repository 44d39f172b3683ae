package prefdyn.reference.ppo;

import org.junit.jupiter.api.Test;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.model.GptConfig;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * BAPO's adaptive clipping (Xi et al. 2510.18927; {@link AdaptiveClipping}) in PPO
 * ({@link PpoConfig#adaptiveClipping}).
 *
 * <pre>
 *   hand-made minibatch, one row of four response tokens, logπ_old = 0, logπ = ln ρ, n = 4:
 *   (ρ, Â) = (1.43, +1), (0.72, −1), (0.83, −1), (1.0, −0.2)
 *   BAPO's search with the authors' defaults (ρ₀ = ½, c_low 0.6 → 0.9, c_high 1.2 → 3.0, steps 0.05):
 *     c_high = 1.2 clips the only positive token, P = 0; c_low rises to its maximum 0.9 (clipping 0.72 and 0.83;
 *     N = 0.2 is left), P still 0; c_high rises to 1.45, the first step ≥ 1.43: P = 1.43, share 1.43/1.63
 *   loss with [0.9, 1.45]: ℓ = (−1.43, max(0.72, 0.9), max(0.83, 0.9), 0.2) = (−1.43, 0.9, 0.9, 0.2), L = 0.1425;
 *     seeds −Âρ/n where unclipped: (−0.3575, 0, 0, 0.05); clip fraction ½
 *   PPO's fixed [0.8, 1.2] (ε = 0.2): ℓ = (−1.2, 0.8, 0.83, 0.2), L = 0.1575; seeds (0, 0, 0.2075, 0.05)
 * </pre>
 * BAPO moves the update from the negative token at ρ = 0.83 to the positive token at ρ = 1.43.
 */
class PpoAdaptiveClippingTest {

    private static final double[][] RATIOS = {{1.43, 0.72, 0.83, 1.0}};
    private static final double[][] ADVANTAGES = {{1.0, -1.0, -1.0, -0.2}};
    private static final boolean[][] MASK = {{true, true, true, true}};
    private static final int[][] TERTILES = {{2, 2, 2, 0}};

    /** A 32-token vocabulary keeps every step cheap (as in {@code PpoTrainerTest}). */
    private static final GptConfig CONFIG = new GptConfig(32, 12, 1, 2, 8, false, false);
    private static final List<int[]> PROMPTS = List.of(new int[] {1, 2}, new int[] {3}, new int[] {4, 5, 6},
            new int[] {7}, new int[] {8, 9}, new int[] {10, 11, 12, 13});
    private static final RewardFunction EVEN_TOKENS = sequences -> sequences.stream()
            .mapToDouble(s -> java.util.Arrays.stream(s.response()).filter(token -> token % 2 == 0).count())
            .toArray();

    private static double[][] logOf(double[][] ratios) {
        double[][] logs = new double[ratios.length][];
        for (int b = 0; b < ratios.length; b++) {
            logs[b] = new double[ratios[b].length];
            for (int t = 0; t < ratios[b].length; t++) {
                logs[b][t] = Math.log(ratios[b][t]);
            }
        }
        return logs;
    }

    @Test
    void knownAnswerOnAHandMadeMinibatch() {
        double[][] logProbs = logOf(RATIOS);
        double[][] oldLogProbs = new double[1][4];
        AdaptiveClipping.Bounds bounds = AdaptiveClipping.defaults().search(
                PpoTrainer.ratios(logProbs, oldLogProbs, MASK), ADVANTAGES, MASK);
        assertThat(bounds.low()).isEqualTo(0.9);
        assertThat(bounds.high()).isCloseTo(1.45, within(1e-12));
        assertThat(bounds.positiveShare()).isCloseTo(1.43 / 1.63, within(1e-14));

        PolicyLossResult bapo = PpoLoss.policyLoss(logProbs, oldLogProbs, ADVANTAGES, MASK, TERTILES, bounds.low(),
                bounds.high());
        assertThat(bapo.loss()).isCloseTo(0.1425, within(1e-14));
        assertThat(bapo.clipFraction()).isEqualTo(0.5);
        assertSeeds(bapo.seeds().total(), -0.3575, 0, 0, 0.05);
        assertSeeds(bapo.seeds().positive(), -0.3575, 0, 0, 0);
        assertSeeds(bapo.seeds().negative(), 0, 0, 0, 0.05);

        PolicyLossResult fixed = PpoLoss.policyLoss(logProbs, oldLogProbs, ADVANTAGES, MASK, TERTILES, 0.2);
        assertThat(fixed.loss()).isCloseTo(0.1575, within(1e-14));
        assertThat(fixed.clipFraction()).isEqualTo(0.5);
        assertSeeds(fixed.seeds().total(), 0, 0, 0.2075, 0.05);
    }

    /**
     * Random differential check of the two entry points (the known answer above is its fixed counterpart): the
     * bounds [1 − ε, 1 + ε] give the cliprange overload's loss, statistics and seeds bit for bit.
     */
    @Test
    void theBoundsOverloadAtOneMinusAndPlusEpsilonIsTheCliprangeOneBitForBit() {
        Random random = new Random(17);
        for (int trial = 0; trial < 20; trial++) {
            boolean[][] mask = PpoFixtures.mask(7, new int[] {0, 2, 1}, new int[] {7, 3, 5});
            double[][] logProbs = PpoFixtures.gaussian(random, mask, 0.4);
            double[][] oldLogProbs = PpoFixtures.gaussian(random, mask, 0.4);
            double[][] advantages = PpoFixtures.gaussian(random, mask, 1.0);
            int[][] tertiles = AdvantageTertiles.assign(advantages, mask);
            double epsilon = 0.05 + 0.3 * random.nextDouble();
            PolicyLossResult cliprange = PpoLoss.policyLoss(logProbs, oldLogProbs, advantages, mask, tertiles, epsilon);
            PolicyLossResult bounds = PpoLoss.policyLoss(logProbs, oldLogProbs, advantages, mask, tertiles,
                    1 - epsilon, 1 + epsilon);
            assertThat(cliprange.clipFraction()).as("some tokens are clipped").isGreaterThan(0);
            assertThat(bounds.loss()).isEqualTo(cliprange.loss());
            assertThat(bounds.clipFraction()).isEqualTo(cliprange.clipFraction());
            assertThat(bounds.approxKl()).isEqualTo(cliprange.approxKl());
            for (int b = 0; b < mask.length; b++) {
                assertThat(bounds.seeds().total()[b]).containsExactly(cliprange.seeds().total()[b]);
                assertThat(bounds.seeds().positive()[b]).containsExactly(cliprange.seeds().positive()[b]);
                assertThat(bounds.seeds().negative()[b]).containsExactly(cliprange.seeds().negative()[b]);
            }
        }
    }

    /**
     * Off (the default) is PPO with the fixed bounds: a run without BAPO and a run whose BAPO search can only return
     * [1 − ε, 1 + ε] give bit-identical parameters and metrics (but BAPO's three clip/* entries), so BAPO enters
     * only through the bounds; and without BAPO the metrics have no BAPO entries.
     */
    @Test
    void offIsBitIdenticalToPpoWithTheFixedBounds() {
        PpoConfig off = config().build();
        assertThat(off.adaptiveClipping()).as("off by default").isNull();
        AdaptiveClipping pinned = new AdaptiveClipping(0.5, off.clipLow(), off.clipLow(), 0.05, off.clipHigh(),
                off.clipHigh(), 0.05);
        PpoTrainer plain = trainer(off);
        PpoTrainer fixedBapo = trainer(config().adaptiveClipping(pinned).build());
        for (int step = 0; step < 3; step++) {
            Map<String, Double> plainMetrics = metrics(plain.step());
            Map<String, Double> bapoMetrics = metrics(fixedBapo.step());
            assertThat(plainMetrics).doesNotContainKeys("clip/low", "clip/high", "clip/positive_share");
            assertThat(bapoMetrics.get("clip/low")).isEqualTo(off.clipLow());
            assertThat(bapoMetrics.get("clip/high")).isEqualTo(off.clipHigh());
            bapoMetrics.keySet().removeAll(List.of("clip/low", "clip/high", "clip/positive_share"));
            assertThat(bapoMetrics).isEqualTo(plainMetrics);
        }
        assertThat(parameters(fixedBapo.policy())).containsExactly(parameters(plain.policy()));
        assertThat(parameters(fixedBapo.valueModel())).containsExactly(parameters(plain.valueModel()));
    }

    /** With the authors' defaults the bounds move on the later minibatches and the run differs from plain PPO. */
    @Test
    void withTheAuthorsDefaultsTheBoundsAdaptAndChangeTheRun() {
        PpoTrainer plain = trainer(config().build());
        PpoTrainer bapo = trainer(config().adaptiveClipping(AdaptiveClipping.defaults()).build());
        for (int step = 0; step < 3; step++) {
            plain.step();
            Map<String, Double> metrics = metrics(bapo.step());
            assertThat(metrics.get("clip/low")).isBetween(0.6, 0.9);
            assertThat(metrics.get("clip/high")).isBetween(1.2, 3.0);
            assertThat(metrics.get("clip/positive_share")).isBetween(0.0, 1.0);
        }
        assertThat(parameters(bapo.policy())).isNotEqualTo(parameters(plain.policy()));
    }

    @Test
    void badBoundsAreOneLineErrors() {
        assertThatThrownBy(() -> PpoLoss.policyLoss(new double[][] {{0}}, new double[][] {{0}}, new double[][] {{1}},
                new boolean[][] {{true}}, new int[][] {{0}}, 1.1, 1.5))
                .hasMessageStartingWith("the ratio bounds must satisfy clipLow <= 1 <= clipHigh")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> new AdaptiveClipping(1.0, 0.6, 0.9, 0.05, 1.2, 3.0, 0.05))
                .hasMessageStartingWith("BAPO positiveContributionTarget (ρ₀) must be in (0, 1)")
                .hasMessageNotContaining("\n");
    }

    private static PpoConfig.Builder config() {
        return PpoConfig.builder().batchSize(4).numMiniBatches(2).numPpoEpochs(2).responseLength(3)
                .learningRate(1e-2).seed(5);
    }

    private static PpoTrainer trainer(PpoConfig config) {
        return new PpoTrainer(PpoFixtures.engine(CONFIG, 1), PpoFixtures.engine(CONFIG, 1),
                PpoFixtures.engine(CONFIG.withValueHead(true), 2), EVEN_TOKENS, PROMPTS, config);
    }

    private static Map<String, Double> metrics(Map<String, Object> step) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        step.forEach((key, value) -> metrics.put(key, (Double) value));
        return metrics;
    }

    private static double[] parameters(prefdyn.reference.engine.PolicyEngine engine) {
        double[] params = new double[((ReferenceEngine) engine).layout().size()];
        engine.copyParametersTo(params);
        return params;
    }

    private static void assertSeeds(double[][] seeds, double... expected) {
        for (int t = 0; t < expected.length; t++) {
            assertThat(seeds[0][t]).as("token " + t).isCloseTo(expected[t], within(1e-14));
        }
    }
}
