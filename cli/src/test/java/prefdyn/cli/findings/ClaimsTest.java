package prefdyn.cli.findings;

import org.junit.jupiter.api.Test;

import prefdyn.cli.report.Report;
import prefdyn.cli.run.RunData;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The verdict rule and the per-seed measures on hand-made run data with known answers. */
class ClaimsTest {

    /** A run whose dynamics lines hold {@code columns} (key → one value per measured step). */
    private static RunData run(String name, Map<String, double[]> columns, Map<String, Object> evaluation,
                               List<Map<String, Object>> samples) {
        int steps = columns.values().iterator().next().length;
        List<Map<String, Object>> dynamics = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("step", (double) i);
            for (Map.Entry<String, double[]> column : columns.entrySet()) {
                line.put(column.getKey(), column.getValue()[i]);
            }
            dynamics.add(line);
        }
        return new RunData(name, Path.of(name), Map.of("name", name), List.of(), dynamics, evaluation, samples);
    }

    private static RunData dpo(double... g) {
        double[] cosine = new double[g.length];
        for (int i = 0; i < g.length; i++) {
            cosine[i] = g[i] / 100;
        }
        return run("dpo/standard", Map.of("G/total", g, "G/cosine/total", cosine), null, List.of());
    }

    @Test
    void claimOneIsSupportedWhenGIsPositiveAtEveryStepOfEverySeed() {
        Map<String, List<RunData>> runs = Map.of("dpo/standard",
                List.of(dpo(5, 4, 3), dpo(6, 2, 1), dpo(7, 3, 2)));
        Claims.Claim claim = new Claims(runs, 3).dpoStableTargets();
        assertThat(claim.verdict()).isEqualTo(Claims.Verdict.SUPPORTED);
        Claims.Statistic fraction = claim.statistics().get(0);
        assertThat(fraction.perSeed()).containsExactly(1.0, 1.0, 1.0);
        assertThat(fraction.outcomeText()).isEqualTo("agrees");
    }

    @Test
    void claimOneIsContradictedWhenGIsNegativeAndMixedWhenOnlyTheCosineAgrees() {
        Map<String, List<RunData>> negative = Map.of("dpo/standard",
                List.of(dpo(-5, -4, -3), dpo(-6, -2, -1), dpo(-7, -3, -2)));
        Claims.Claim claim = new Claims(negative, 3).dpoStableTargets();
        assertThat(claim.verdict()).isEqualTo(Claims.Verdict.CONTRADICTED);
        assertThat(claim.reason()).contains("opposite to the prediction");

        // Two of three steps positive in every seed: the fraction (2/3) is below 0.9, the mean cosine above 0.
        Map<String, List<RunData>> partly = Map.of("dpo/standard",
                List.of(dpo(50, 40, -1), dpo(60, -2, 10), dpo(-3, 30, 20)));
        Claims.Claim mixed = new Claims(partly, 3).dpoStableTargets();
        assertThat(mixed.statistics().get(0).perSeed()).containsExactly(2 / 3.0, 2 / 3.0, 2 / 3.0);
        assertThat(mixed.verdict()).isEqualTo(Claims.Verdict.MIXED);
    }

    @Test
    void aClaimIsUndecidedWhileAPrimaryStatisticIsWithinNoise() {
        // Fractions 1, 2/3, 1/3 (mean 2/3, interval reaching above 0.9) and cosines of mixed sign: both contain
        // their thresholds.
        Map<String, List<RunData>> noisy = Map.of("dpo/standard",
                List.of(dpo(5, 4, 3), dpo(6, -2, 1), dpo(-7, -3, 2)));
        Claims.Claim claim = new Claims(noisy, 3).dpoStableTargets();
        assertThat(claim.statistics().get(0).outcomeText()).isEqualTo("within noise");
        assertThat(claim.verdict()).isEqualTo(Claims.Verdict.UNDECIDED);
        assertThat(claim.reason()).contains("cannot decide");
    }

    @Test
    void theVerdictRuleHasKnownAnswers() {
        assertThat(Claims.verdictOf(2, 0, 0)).isEqualTo(Claims.Verdict.SUPPORTED);
        assertThat(Claims.verdictOf(0, 2, 0)).isEqualTo(Claims.Verdict.CONTRADICTED);
        assertThat(Claims.verdictOf(1, 1, 0)).isEqualTo(Claims.Verdict.MIXED);
        assertThat(Claims.verdictOf(1, 0, 1)).isEqualTo(Claims.Verdict.UNDECIDED);
        assertThat(Claims.verdictOf(0, 0, 2)).isEqualTo(Claims.Verdict.UNDECIDED);
        // a necessary part refuted decides against the claim, whatever the others show
        assertThat(Claims.verdictOf(0, 1, 1)).isEqualTo(Claims.Verdict.CONTRADICTED);
        assertThat(Claims.verdictOf(1, 1, 1)).isEqualTo(Claims.Verdict.MIXED);
        assertThatThrownBy(() -> Claims.verdictOf(0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyPrimaryStatisticCarriesItsSeedsNeededAndDescriptiveOnesNone() {
        Map<String, List<RunData>> runs = Map.of("dpo/standard",
                List.of(dpo(5, 4, 3), dpo(6, 2, 1), dpo(7, 3, 2)));
        List<Claims.Statistic> statistics = new Claims(runs, 3).dpoStableTargets().statistics();
        // Fractions 1, 1, 1 against 0.9: no spread, so two seeds.
        assertThat(statistics.get(0).seedsNeededText()).isEqualTo("2");
        // Mean cosines 0.04, 0.03, 0.04: mean 0.036667, s = 0.0057735, effect / s = 6.35; n = 2 needs
        // 12.7062 / √2 = 8.98 (too many), n = 3 needs 4.3027 / √3 = 2.48.
        assertThat(statistics.get(1).perSeed()[1]).isCloseTo(0.03, within(1e-12));
        assertThat(statistics.get(1).seedsNeededText()).isEqualTo("3");
        assertThat(statistics.get(2).primary()).isFalse();
        assertThat(statistics.get(2).seedsNeededText()).isEmpty();

        Map<String, List<RunData>> negative = Map.of("dpo/standard",
                List.of(dpo(-5, -4, -3), dpo(-6, -2, -1), dpo(-7, -3, -2)));
        assertThat(new Claims(negative, 3).dpoStableTargets().statistics().get(1).seedsNeededText())
                .as("a cosine below 0 where above is predicted").isEqualTo("never");

        double[] pilot = {1, 2, 3, 4, 5};
        assertThat(new Claims.Statistic("below", pilot, SeedStatistics.of(pilot), Claims.Prediction.BELOW, 5.2)
                .seedsNeededText()).isEqualTo("5");
        assertThat(new Claims.Statistic("away", pilot, SeedStatistics.of(pilot), Claims.Prediction.AWAY, 5.2)
                .seedsNeededText()).isEqualTo("5");
        assertThat(new Claims.Statistic("above", pilot, SeedStatistics.of(pilot), Claims.Prediction.ABOVE, 5.2)
                .seedsNeededText()).isEqualTo("never");
    }

    /** A PPO run with per-tertile G at two steps and a win rate. */
    private static RunData ppo(String name, double top, double bottom, double winRate) {
        return run(name, Map.of("G/tertile/top", new double[] {top, top}, "G/tertile/middle", new double[] {0, 0},
                "G/tertile/bottom", new double[] {bottom, bottom}), Map.of("win_rate", Map.of("value", winRate)),
                List.of());
    }

    @Test
    void claimSixDescribesEachSingleTertileRunAgainstTheStandardOneWithoutJudgingIt() {
        Map<String, List<RunData>> runs = Map.of(
                "ppo/standard", List.of(ppo("ppo/standard", 3, 1, 0.9), ppo("ppo/standard", 4, 1, 0.8),
                        ppo("ppo/standard", 5, 2, 0.7)),
                "ppo/bottom-tertile", List.of(ppo("ppo/bottom-tertile", 0, 0, 0.5), ppo("ppo/bottom-tertile", 0, 0,
                        0.6), ppo("ppo/bottom-tertile", 0, 0, 0.4)));
        Claims.Claim claim = new Claims(runs, 3).tertileRoles();
        // top − bottom = 2, 3, 3 in every seed: wholly away from 0
        assertThat(claim.verdict()).isEqualTo(Claims.Verdict.SUPPORTED);
        Claims.Statistic bottomOnly = claim.statistics().stream()
                .filter(statistic -> statistic.name().startsWith("PPO on the bottom")).findFirst().orElseThrow();
        assertThat(bottomOnly.perSeed()).containsExactly(new double[] {-0.4, -0.2, -0.3}, within(1e-12));
        assertThat(bottomOnly.primary()).isFalse();
        assertThat(claim.statistics()).noneMatch(statistic -> statistic.name().startsWith("PPO on the top"));
    }

    @Test
    void aClaimWhoseRunsAreMissingIsNotTested() {
        Claims claims = new Claims(Map.of("dpo/standard", List.of(dpo(1, 2), dpo(2, 3))), 2);
        assertThat(claims.reweightingRegularises().verdict()).isEqualTo(Claims.Verdict.NOT_TESTED);
        assertThat(claims.reweightingRegularises().reason()).contains("dpo/unweighted");
        assertThat(claims.controlledVariants().verdict()).isEqualTo(Claims.Verdict.NOT_TESTED);
    }

    @Test
    void signMeasuresHaveKnownAnswers() {
        assertThat(Claims.fractionPositive(new double[] {1, -1, Double.NaN, 2})).isCloseTo(2 / 3.0, within(1e-15));
        assertThat(Claims.signChanges(new double[] {1, -1, -2, 3, Double.NaN, -1})).isEqualTo(3.0);
        assertThat(Claims.oppositeSigns(new double[] {1, 2, -1}, new double[] {-1, 2, 1})).isCloseTo(2 / 3.0,
                within(1e-15));
        assertThat(Report.change(new double[] {3, 5, 2})).isEqualTo(-1.0);
    }

    @Test
    void componentCosineFollowsFromTheThreeNorms() {
        // ∇L⁺ = (3, 0), ∇L⁻ = (0, 4): orthogonal, ‖∇L‖ = 5 → cos 0. ∇L⁺ = (1, 0), ∇L⁻ = (-1, 0): ‖∇L‖ = 0 → cos −1.
        RunData run = run("dpo/standard", Map.of("grad_norm/total", new double[] {5, 0},
                "grad_norm/positive", new double[] {3, 1}, "grad_norm/negative", new double[] {4, 1}), null, List.of());
        double[] cosines = Claims.componentCosines(run);
        assertThat(cosines[0]).isCloseTo(0.0, within(1e-15));
        assertThat(cosines[1]).isCloseTo(-1.0, within(1e-15));
    }

    @Test
    void distinctBigramsCountsWordPairsAcrossSamples() {
        // "a b a b" → bigrams ab, ba, ab; "a b" → ab: 4 bigrams, 2 distinct.
        RunData run = run("ppo/standard", Map.of("G/total", new double[] {1}), null,
                List.of(Map.of("policy", "a b a b"), Map.of("policy", "A  b"), Map.of("start", "ignored")));
        assertThat(Claims.distinctBigrams(run)).isEqualTo(0.5);
    }
}
