package prefdyn.cli.findings;

import prefdyn.cli.findings.SeedStatistics.Interval;
import prefdyn.cli.report.Report;
import prefdyn.cli.run.RunData;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The paper's claims (arXiv 2512.00778 as summarised in {@code docs/paper-map.md}) as statistics over
 * seeds, each with a prediction and a verdict rule that is the same for every claim:
 *
 * <ul>
 *   <li>every claim has one or more <em>primary</em> statistics, each a mean across seeds with a 95% t-interval
 *       and a predicted side of a threshold (above, below, or "away from" it);</li>
 *   <li>a primary statistic <em>agrees</em> when its whole interval lies on the predicted side, <em>disagrees</em>
 *       when it lies wholly on the other side, and is <em>within noise</em> otherwise;</li>
 *   <li>each primary statistic is a necessary part of its claim (the claim is their conjunction), so one that
 *       disagrees refutes the claim as stated: the claim is <b>contradicted</b> when some primary statistic
 *       disagrees and none agrees, and <b>mixed</b> when some agree and some disagree (the claim fails as stated,
 *       but holds in the measured sense of the ones that agree);</li>
 *   <li>with none disagreeing, the claim is <b>supported</b> when every primary statistic agrees and
 *       <b>undecided</b> when some is within noise: these seeds cannot tell, and that statistic's "seeds needed"
 *       ({@link SeedsNeeded}) says how many more might. Supported, contradicted and mixed are the decided
 *       verdicts. A claim whose runs are missing is <b>not tested</b>.</li>
 * </ul>
 *
 * Descriptive statistics (no prediction) are reported beside them. Per-seed numbers come from the run directories
 * only ({@code dynamics.jsonl}, {@code evaluation.json}, {@code samples.jsonl}), so the findings can be recomputed
 * from the files.
 */
public final class Claims {

    /** What a statistic predicts about its interval relative to {@link Statistic#threshold}. */
    enum Prediction {
        ABOVE, BELOW, AWAY, DESCRIPTIVE;

        String text(double threshold) {
            String value = Report.Html.number(threshold);
            return switch (this) {
                case ABOVE -> "> " + value;
                case BELOW -> "< " + value;
                case AWAY -> "≠ " + value;
                case DESCRIPTIVE -> "(descriptive)";
            };
        }
    }

    /** A claim's verdict (the rule is in the class comment); {@link #word()} is what the page prints. */
    enum Verdict {
        SUPPORTED("supported"), CONTRADICTED("contradicted"), MIXED("mixed"), UNDECIDED("undecided"),
        NOT_TESTED("not tested");

        private final String word;

        Verdict(String word) {
            this.word = word;
        }

        String word() {
            return word;
        }
    }

    /** One statistic across seeds; {@code perSeed} [seeds] holds the values the interval was computed from. */
    record Statistic(String name, double[] perSeed, Interval interval, Prediction prediction, double threshold) {

        boolean primary() {
            return prediction != Prediction.DESCRIPTIVE;
        }

        /** +1 agrees with the prediction, −1 disagrees, 0 within noise (or not measured). */
        int outcome() {
            int side = interval.side(threshold);
            return switch (prediction) {
                case ABOVE -> side;
                case BELOW -> -side;
                case AWAY -> side != 0 ? 1 : 0;
                case DESCRIPTIVE -> 0;
            };
        }

        /**
         * The seeds a 95% interval would need to exclude the threshold, with these seeds as a pilot
         * ({@link SeedsNeeded}); "" for a descriptive statistic.
         */
        String seedsNeededText() {
            if (!primary()) {
                return "";
            }
            int side = switch (prediction) {
                case ABOVE -> 1;
                case BELOW -> -1;
                default -> 0;
            };
            return SeedsNeeded.of(perSeed, threshold, side).text();
        }

        String outcomeText() {
            if (!primary()) {
                return "";
            }
            if (interval.n() < 2) {
                return "not measured (needs two seeds)";
            }
            return switch (outcome()) {
                case 1 -> "agrees";
                case -1 -> "disagrees";
                default -> "within noise";
            };
        }
    }

    /**
     * One claim put to the test.
     *
     * @param id         "1" … "7" for the paper's claims, "R1", "R2" for the related work
     * @param title      the claim as the paper states it
     * @param experiment which runs and what is compared
     * @param statistics primary and descriptive statistics
     * @param verdict    by {@link #verdictOf}, or {@link Verdict#NOT_TESTED}
     * @param reason     why, in one or two sentences
     * @param figures    file names of the plots that illustrate it (under the findings' image folder)
     */
    record Claim(String id, String title, String experiment, List<Statistic> statistics, Verdict verdict, String reason,
                 List<String> figures) {
    }

    /** Per run name, one {@link RunData} per seed (same seed order for every run). */
    private final Map<String, List<RunData>> runs;
    private final int seeds;

    Claims(Map<String, List<RunData>> runs, int seeds) {
        this.runs = runs;
        this.seeds = seeds;
    }

    /** Every claim, in the order. */
    List<Claim> all() {
        return List.of(dpoStableTargets(), ppoDynamicTargets(), positiveNegativeOffset(), reweightingRegularises(),
                negativeLearningExplores(), tertileRoles(), controlledVariants(), likelihoodDisplacement(),
                squeezing());
    }

    // ------------------------------------------------------------------ the claims

    Claim dpoStableTargets() {
        String title = "DPO has stable targets: G(L_dpo) stays positive over training.";
        String experiment = "dpo/standard: G(L; θ(t)) against the final greedy responses D′ at every measured step. "
                + "Per seed: the fraction of measured steps with G > 0, and the mean cosine form of G over steps.";
        if (missing("dpo/standard")) {
            return notTested("1", title, experiment, "dpo/standard");
        }
        List<Statistic> statistics = new ArrayList<>();
        statistics.add(statistic("fraction of measured steps with G > 0", perSeed("dpo/standard",
                run -> fractionPositive(run.dynamics("G/total"))), Prediction.ABOVE, 0.9));
        statistics.add(statistic("mean cosine(g′, ∇L) over steps", perSeed("dpo/standard",
                run -> Report.mean(run.dynamics("G/cosine/total"))), Prediction.ABOVE, 0));
        statistics.add(statistic("mean G over steps", perSeed("dpo/standard",
                run -> Report.mean(run.dynamics("G/total"))), Prediction.DESCRIPTIVE, 0));
        return judged("1", title, experiment, statistics, List.of("g-cosine.png"));
    }

    Claim ppoDynamicTargets() {
        String title = "PPO has dynamic targets: G(L_ppo) is near zero or changes sign; its normalised magnitude is "
                + "smaller than DPO's.";
        String experiment = "ppo/standard against dpo/standard of the same seed. Per seed: the fraction of PPO's "
                + "measured steps with G > 0, and the paired difference of the mean cosine of G (DPO − PPO), the "
                + "scale-free comparison (the two losses have different scales).";
        if (missing("ppo/standard") || missing("dpo/standard")) {
            return notTested("2", title, experiment, "ppo/standard and dpo/standard");
        }
        List<Statistic> statistics = new ArrayList<>();
        double[] ppoFraction = perSeed("ppo/standard", run -> fractionPositive(run.dynamics("G/total")));
        statistics.add(statistic("PPO: fraction of measured steps with G > 0", ppoFraction, Prediction.BELOW, 0.9));
        double[] dpoCosine = perSeed("dpo/standard", run -> Report.mean(run.dynamics("G/cosine/total")));
        double[] ppoCosine = perSeed("ppo/standard", run -> Report.mean(run.dynamics("G/cosine/total")));
        statistics.add(paired("mean cosine: DPO − PPO", dpoCosine, ppoCosine, Prediction.ABOVE, 0));
        statistics.add(statistic("PPO: mean cosine over steps", ppoCosine, Prediction.DESCRIPTIVE, 0));
        statistics.add(statistic("PPO: sign changes of G between measured steps", perSeed("ppo/standard",
                run -> signChanges(run.dynamics("G/total"))), Prediction.DESCRIPTIVE, 0));
        statistics.add(statistic("PPO: mean G over steps", perSeed("ppo/standard",
                run -> Report.mean(run.dynamics("G/total"))), Prediction.DESCRIPTIVE, 0));
        return judged("2", title, experiment, statistics, List.of("g-cosine.png"));
    }

    Claim positiveNegativeOffset() {
        String title = "In DPO, positive and negative learning jointly shape the targets and offset each other.";
        String experiment = "dpo/standard: G⁺ (chosen terms) and G⁻ (rejected terms) at each measured step, and the "
                + "cosine between ∇L⁺ and ∇L⁻ from the recorded norms, cos = (‖∇L‖² − ‖∇L⁺‖² − ‖∇L⁻‖²) / "
                + "(2‖∇L⁺‖‖∇L⁻‖). Which dominates: the share |G⁺| / (|G⁺| + |G⁻|) at the first and the last "
                + "measured step.";
        if (missing("dpo/standard")) {
            return notTested("3", title, experiment, "dpo/standard");
        }
        List<Statistic> statistics = new ArrayList<>();
        statistics.add(statistic("fraction of measured steps where G⁺ and G⁻ have opposite signs",
                perSeed("dpo/standard", run -> oppositeSigns(run.dynamics("G/positive"), run.dynamics("G/negative"))),
                Prediction.ABOVE, 0.5));
        statistics.add(statistic("mean cosine(∇L⁺, ∇L⁻) over steps", perSeed("dpo/standard",
                run -> Report.mean(componentCosines(run))), Prediction.BELOW, 0));
        statistics.add(statistic("mean G⁺ over steps", perSeed("dpo/standard",
                run -> Report.mean(run.dynamics("G/positive"))), Prediction.DESCRIPTIVE, 0));
        statistics.add(statistic("mean G⁻ over steps", perSeed("dpo/standard",
                run -> Report.mean(run.dynamics("G/negative"))), Prediction.DESCRIPTIVE, 0));
        statistics.add(statistic("share of |G⁺| at the first measured step", perSeed("dpo/standard",
                run -> positiveShare(run, 0)), Prediction.DESCRIPTIVE, 0.5));
        statistics.add(statistic("share of |G⁺| at the last measured step", perSeed("dpo/standard",
                run -> positiveShare(run, run.dynamics().size() - 1)), Prediction.DESCRIPTIVE, 0.5));
        statistics.add(statistic("‖∇L⁺‖ / ‖∇L⁻‖, mean over steps", perSeed("dpo/standard",
                run -> Report.mean(ratio(run.dynamics("grad_norm/positive"), run.dynamics("grad_norm/negative")))),
                Prediction.DESCRIPTIVE, 1));
        return judged("3", title, experiment, statistics, List.of("dpo-components.png"));
    }

    Claim reweightingRegularises() {
        String title = "DPO's reweighting acts as a regulariser: unweighted DPO (ω ≡ ½) overfits more.";
        String experiment = "dpo/unweighted against dpo/standard of the same seed (paired). Overfitting gap: the rise "
                + "of the training pairs' chosen log-prob minus the rise of the held-out pairs' chosen log-prob "
                + "(θ(0) → θ(T)); KL(π‖π_ref) and win rate of the final policies.";
        if (missing("dpo/unweighted") || missing("dpo/standard")) {
            return notTested("4", title, experiment, "dpo/unweighted and dpo/standard");
        }
        List<Statistic> statistics = new ArrayList<>();
        ToDoubleFunction<RunData> gap = run -> Report.change(run.dynamics("train/logps/chosen"))
                - Report.change(run.dynamics("heldout/logps/chosen"));
        statistics.add(paired("overfitting gap: unweighted − standard", perSeed("dpo/unweighted", gap),
                perSeed("dpo/standard", gap), Prediction.ABOVE, 0));
        ToDoubleFunction<RunData> kl = run -> run.evaluation("kl", null);
        statistics.add(paired("KL: unweighted − standard", perSeed("dpo/unweighted", kl), perSeed("dpo/standard", kl),
                Prediction.ABOVE, 0));
        ToDoubleFunction<RunData> win = run -> run.evaluation("win_rate", "value");
        statistics.add(paired("win rate: unweighted − standard", perSeed("dpo/unweighted", win),
                perSeed("dpo/standard", win), Prediction.BELOW, 0));
        statistics.add(statistic("overfitting gap, standard", perSeed("dpo/standard", gap), Prediction.DESCRIPTIVE, 0));
        return judged("4", title, experiment, statistics, List.of("likelihood.png"));
    }

    Claim negativeLearningExplores() {
        String title = "In PPO, negative learning supports exploration: positive-only PPO loses entropy and diversity "
                + "faster.";
        String experiment = "ppo/positive-only against ppo/standard of the same seed (paired). Entropy change: the "
                + "sample probe's mean token entropy at θ(T) minus at θ(0). Diversity: distinct word bigrams ÷ all "
                + "word bigrams of the final policy's evaluation samples.";
        if (missing("ppo/positive-only") || missing("ppo/standard")) {
            return notTested("5", title, experiment, "ppo/positive-only and ppo/standard");
        }
        List<Statistic> statistics = new ArrayList<>();
        ToDoubleFunction<RunData> entropy = run -> Report.change(run.dynamics("samples/entropy"));
        statistics.add(paired("entropy change: positive-only − standard", perSeed("ppo/positive-only", entropy),
                perSeed("ppo/standard", entropy), Prediction.BELOW, 0));
        ToDoubleFunction<RunData> diversity = Claims::distinctBigrams;
        statistics.add(paired("distinct-2: positive-only − standard", perSeed("ppo/positive-only", diversity),
                perSeed("ppo/standard", diversity), Prediction.BELOW, 0));
        if (!missing("ppo/negative-only")) {
            statistics.add(paired("entropy change: negative-only − standard", perSeed("ppo/negative-only", entropy),
                    perSeed("ppo/standard", entropy), Prediction.DESCRIPTIVE, 0));
        }
        statistics.add(statistic("standard: mean G of the negative-advantage tokens (G⁻)", perSeed("ppo/standard",
                run -> Report.mean(run.dynamics("G/negative"))), Prediction.DESCRIPTIVE, 0));
        statistics.add(statistic("standard: mean G of the positive-advantage tokens (G⁺)", perSeed("ppo/standard",
                run -> Report.mean(run.dynamics("G/positive"))), Prediction.DESCRIPTIVE, 0));
        return judged("5", title, experiment, statistics, List.of("ppo-entropy.png"));
    }

    Claim tertileRoles() {
        String title = "The |Â| token tertiles play different roles in PPO; the ω tertiles in DPO.";
        String experiment = "dpo/standard (ω tertiles of each batch's pairs) and ppo/standard (|Â| tertiles of the "
                + "rollout's response tokens): the mean over steps of each tertile's G; different roles predict that "
                + "the top and bottom tertiles' G differ (paired by seed). Beside them, where they ran, the single-tertile "
                + "PPO runs (ppo/top-tertile, ppo/middle-tertile, ppo/bottom-tertile: the update on one tertile's "
                + "tokens only), each one's win rate minus ppo/standard's.";
        if (missing("dpo/standard") && missing("ppo/standard")) {
            return notTested("6", title, experiment, "dpo/standard or ppo/standard");
        }
        List<Statistic> statistics = new ArrayList<>();
        for (String run : List.of("dpo/standard", "ppo/standard")) {
            if (missing(run)) {
                continue;
            }
            String objective = run.startsWith("dpo") ? "DPO ω" : "PPO |Â|";
            double[] top = perSeed(run, data -> Report.mean(data.dynamics("G/tertile/top")));
            double[] bottom = perSeed(run, data -> Report.mean(data.dynamics("G/tertile/bottom")));
            statistics.add(paired(objective + ": G(top tertile) − G(bottom tertile)", top, bottom, Prediction.AWAY, 0));
            for (String tertile : List.of("bottom", "middle", "top")) {
                statistics.add(statistic(objective + ": mean G of the " + tertile + " tertile", perSeed(run,
                        data -> Report.mean(data.dynamics("G/tertile/" + tertile))), Prediction.DESCRIPTIVE, 0));
            }
        }
        // The ablation: PPO's update restricted to one |Â| tertile's tokens. The paper's result for it is not
        // available to us, so these are descriptive: what each tertile alone does to the win rate.
        ToDoubleFunction<RunData> win = data -> data.evaluation("win_rate", "value");
        for (String tertile : List.of("top", "middle", "bottom")) {
            String run = "ppo/" + tertile + "-tertile";
            if (!missing(run) && !missing("ppo/standard")) {
                statistics.add(paired("PPO on the " + tertile + " |Â| tertile only − ppo/standard: win rate vs start",
                        perSeed(run, win), perSeed("ppo/standard", win), Prediction.DESCRIPTIVE, 0));
            }
        }
        return judged("6", title, experiment, statistics, List.of("tertiles.png"));
    }

    Claim controlledVariants() {
        String title = "Controlled (and our coordinated) variants improve on the standard objective.";
        String experiment = "Win rate against the start model and final reward, each variant minus its standard run "
                + "of the same seed (paired): dpo/controlled, dpo/coordinated, ppo/controlled. The paper reports "
                + "differences of about ±2 points for its PPO ablations; an interval containing 0 means the "
                + "difference is within the noise of these runs.";
        List<Statistic> statistics = new ArrayList<>();
        ToDoubleFunction<RunData> win = run -> run.evaluation("win_rate", "value");
        ToDoubleFunction<RunData> reward = run -> run.evaluation("reward", "value");
        ToDoubleFunction<RunData> kl = run -> run.evaluation("kl", null);
        for (String variant : List.of("dpo/controlled", "dpo/coordinated", "ppo/controlled")) {
            String standard = variant.startsWith("dpo") ? "dpo/standard" : "ppo/standard";
            if (missing(variant) || missing(standard)) {
                continue;
            }
            statistics.add(paired("win rate: " + variant + " − standard", perSeed(variant, win),
                    perSeed(standard, win), Prediction.ABOVE, 0));
            statistics.add(paired("reward: " + variant + " − standard", perSeed(variant, reward),
                    perSeed(standard, reward), Prediction.DESCRIPTIVE, 0));
            statistics.add(paired("KL: " + variant + " − standard", perSeed(variant, kl), perSeed(standard, kl),
                    Prediction.DESCRIPTIVE, 0));
        }
        if (statistics.isEmpty()) {
            return notTested("7", title, experiment, "dpo/controlled, dpo/coordinated or ppo/controlled with its "
                    + "standard run");
        }
        return judged("7", title, experiment, statistics, List.of("win-rates.png"));
    }

    Claim likelihoodDisplacement() {
        String title = "Related work (likelihood displacement): under DPO both lp⁺ and lp⁻ of the training pairs fall.";
        String experiment = "dpo/standard: change of the probe's mean sequence log-prob of the chosen and of the "
                + "rejected training responses from θ(0) to θ(T).";
        if (missing("dpo/standard")) {
            return notTested("R1", title, experiment, "dpo/standard");
        }
        List<Statistic> statistics = new ArrayList<>();
        statistics.add(statistic("Δ lp⁺ (train)", perSeed("dpo/standard",
                run -> Report.change(run.dynamics("train/logps/chosen"))), Prediction.BELOW, 0));
        statistics.add(statistic("Δ lp⁻ (train)", perSeed("dpo/standard",
                run -> Report.change(run.dynamics("train/logps/rejected"))), Prediction.BELOW, 0));
        statistics.add(statistic("Δ margin (train)", perSeed("dpo/standard",
                run -> Report.change(run.dynamics("train/margin"))), Prediction.DESCRIPTIVE, 0));
        return judged("R1", title, experiment, statistics, List.of("likelihood.png"));
    }

    Claim squeezing() {
        String title = "Related work (the squeezing effect): negative gradients raise the max-probability of the "
                + "policy's next-token distribution.";
        String experiment = "dpo/negative-only: change of the sample probe's mean max-probability from θ(0) to θ(T); "
                + "dpo/standard beside it.";
        if (missing("dpo/negative-only")) {
            return notTested("R2", title, experiment, "dpo/negative-only");
        }
        List<Statistic> statistics = new ArrayList<>();
        statistics.add(statistic("negative-only: Δ max-prob", perSeed("dpo/negative-only",
                run -> Report.change(run.dynamics("samples/max_prob"))), Prediction.ABOVE, 0));
        if (!missing("dpo/standard")) {
            statistics.add(statistic("standard: Δ max-prob", perSeed("dpo/standard",
                    run -> Report.change(run.dynamics("samples/max_prob"))), Prediction.DESCRIPTIVE, 0));
        }
        return judged("R2", title, experiment, statistics, List.of());
    }

    // ------------------------------------------------------------------ verdicts

    private Claim judged(String id, String title, String experiment, List<Statistic> statistics, List<String> figures) {
        int agree = 0;
        int disagree = 0;
        int primaries = 0;
        List<String> parts = new ArrayList<>();
        for (Statistic statistic : statistics) {
            if (!statistic.primary()) {
                continue;
            }
            primaries++;
            int outcome = statistic.outcome();
            agree += outcome > 0 ? 1 : 0;
            disagree += outcome < 0 ? 1 : 0;
            parts.add(statistic.name() + " " + statistic.interval().text() + ", predicted "
                    + statistic.prediction().text(statistic.threshold()) + ": " + statistic.outcomeText());
        }
        int noise = primaries - agree - disagree;
        Verdict verdict = verdictOf(agree, disagree, noise);
        String summary = switch (verdict) {
            case SUPPORTED -> "Every primary statistic lies on the predicted side with 95% confidence across "
                    + seeds + " seeds";
            case CONTRADICTED -> disagree + " of " + primaries + " primary statistics lie on the side opposite to "
                    + "the prediction with 95% confidence across " + seeds + " seeds and none on the predicted side"
                    + (noise > 0 ? " (" + noise + " within noise)" : "");
            case MIXED -> agree + " of " + primaries + " primary statistics agree and " + disagree
                    + " lie on the other side" + (noise > 0 ? " (" + noise + " within noise)" : "")
                    + ", so the claim fails as stated and holds in the sense of those that agree";
            case UNDECIDED -> noise + " of " + primaries + " primary statistics " + (noise == 1 ? "is" : "are")
                    + " within noise across " + seeds + " seeds and none lies on the other side, so these seeds "
                    + "cannot decide the claim (\"seeds needed\" above says how many seeds might)";
            case NOT_TESTED -> throw new IllegalStateException("a judged claim is tested");
        };
        return new Claim(id, title, experiment, statistics, verdict, summary + ": " + String.join("; ", parts) + ".",
                figures);
    }

    /**
     * The verdict of a claim from the outcomes of its primary statistics, each a necessary part of the claim: one
     * that disagrees decides against the claim (contradicted, or mixed beside one that agrees); otherwise the claim
     * is supported when all agree and undecided while one is within noise.
     *
     * @param agree    primary statistics whose interval lies wholly on the predicted side
     * @param disagree primary statistics whose interval lies wholly on the other side
     * @param noise    primary statistics whose interval contains the threshold (or that are not measured)
     */
    static Verdict verdictOf(int agree, int disagree, int noise) {
        if (agree + disagree + noise == 0) {
            throw new IllegalArgumentException("a claim needs at least one primary statistic");
        }
        if (disagree > 0) {
            return agree > 0 ? Verdict.MIXED : Verdict.CONTRADICTED;
        }
        return noise > 0 ? Verdict.UNDECIDED : Verdict.SUPPORTED;
    }

    private Claim notTested(String id, String title, String experiment, String needs) {
        return new Claim(id, title, experiment, List.of(), Verdict.NOT_TESTED, "needs the run(s) " + needs
                + ", which this reproduction did not include (see --runs).", List.of());
    }

    private boolean missing(String run) {
        return !runs.containsKey(run);
    }

    private double[] perSeed(String run, ToDoubleFunction<RunData> measure) {
        List<RunData> data = runs.get(run);
        double[] values = new double[data.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = measure.applyAsDouble(data.get(i));
        }
        return values;
    }

    private static Statistic statistic(String name, double[] perSeed, Prediction prediction, double threshold) {
        return new Statistic(name, perSeed, SeedStatistics.of(perSeed), prediction, threshold);
    }

    private static Statistic paired(String name, double[] a, double[] b, Prediction prediction, double threshold) {
        double[] differences = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            differences[i] = a[i] - b[i];
        }
        return new Statistic(name, differences, SeedStatistics.paired(a, b), prediction, threshold);
    }

    // ------------------------------------------------------------------ per-seed measures

    /** Fraction of the finite values that are &gt; 0 (NaN when none is finite). */
    static double fractionPositive(double[] values) {
        int n = 0;
        int positive = 0;
        for (double value : values) {
            if (Double.isFinite(value)) {
                n++;
                positive += value > 0 ? 1 : 0;
            }
        }
        return n == 0 ? Double.NaN : positive / (double) n;
    }

    /** How often consecutive finite values have strictly opposite signs. */
    static double signChanges(double[] values) {
        int changes = 0;
        double previous = Double.NaN;
        for (double value : values) {
            if (!Double.isFinite(value)) {
                continue;
            }
            if (Double.isFinite(previous) && previous * value < 0) {
                changes++;
            }
            previous = value;
        }
        return changes;
    }

    /** Fraction of steps where a and b are both finite and of strictly opposite signs. */
    static double oppositeSigns(double[] a, double[] b) {
        int n = 0;
        int opposite = 0;
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            if (Double.isFinite(a[i]) && Double.isFinite(b[i])) {
                n++;
                opposite += a[i] * b[i] < 0 ? 1 : 0;
            }
        }
        return n == 0 ? Double.NaN : opposite / (double) n;
    }

    /** [steps] cos(∇L⁺, ∇L⁻) = (‖∇L‖² − ‖∇L⁺‖² − ‖∇L⁻‖²) / (2‖∇L⁺‖‖∇L⁻‖), from the recorded norms. */
    static double[] componentCosines(RunData run) {
        double[] total = run.dynamics("grad_norm/total");
        double[] positive = run.dynamics("grad_norm/positive");
        double[] negative = run.dynamics("grad_norm/negative");
        double[] cosines = new double[total.length];
        for (int i = 0; i < total.length; i++) {
            double denominator = 2 * positive[i] * negative[i];
            cosines[i] = denominator > 0
                    ? (total[i] * total[i] - positive[i] * positive[i] - negative[i] * negative[i]) / denominator
                    : Double.NaN;
        }
        return cosines;
    }

    private static double positiveShare(RunData run, int index) {
        if (index < 0 || index >= run.dynamics().size()) {
            return Double.NaN;
        }
        double positive = Math.abs(run.dynamics("G/positive")[index]);
        double negative = Math.abs(run.dynamics("G/negative")[index]);
        return positive + negative > 0 ? positive / (positive + negative) : Double.NaN;
    }

    private static double[] ratio(double[] a, double[] b) {
        double[] ratios = new double[Math.min(a.length, b.length)];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = b[i] > 0 ? a[i] / b[i] : Double.NaN;
        }
        return ratios;
    }


    /**
     * Distinct-2 of the final policy's evaluation samples: distinct word bigrams ÷ all word bigrams over every
     * continuation ({@code samples.jsonl}, field {@code policy}; words split on whitespace). NaN without bigrams.
     */
    static double distinctBigrams(RunData run) {
        Set<String> distinct = new HashSet<>();
        int total = 0;
        for (Map<String, Object> sample : run.samples()) {
            if (!(sample.get("policy") instanceof String text)) {
                continue;
            }
            String[] words = text.trim().toLowerCase(Locale.ROOT).split("\\s+");
            for (int i = 0; i + 1 < words.length; i++) {
                if (words[i].isEmpty()) {
                    continue;
                }
                distinct.add(words[i] + " " + words[i + 1]);
                total++;
            }
        }
        return total == 0 ? Double.NaN : distinct.size() / (double) total;
    }
}
