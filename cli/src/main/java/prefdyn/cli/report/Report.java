package prefdyn.cli.report;

import org.knowm.xchart.XYChart;
import prefdyn.cli.base.UserError;
import prefdyn.cli.base.Version;
import prefdyn.cli.run.RunData;
import prefdyn.cli.run.RunDirectory;
import prefdyn.cli.task.ImdbTask;
import prefdyn.reference.util.JsonFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Renders {@code report.html} and its PNG plots ({@code plots/}) from a run directory: either one run
 * ({@code train} + {@code analyze}) or a demo directory whose {@code runs/} holds one run per variant.
 *
 * <p>Sections (each an {@code <section id=...>}): {@code setup} (what ran, at which size), {@code summary} (the
 * table of variants: win rate with CI, final reward, KL, G statistics), {@code gradient-alignment} (G(t) total,
 * positive, negative; cosine across variants), {@code tertiles} (G of each reweighting tertile),
 * {@code likelihood} (lp⁺/lp⁻ on train and held-out pairs), {@code dpo-weights} (each DPO-family run's loss, its
 * mean reweighting ω and coefficients λ⁺, λ⁻ over training), {@code group} (the GRPO and RLOO runs: group size,
 * loss, clipping and TRL's group metrics over training; G, tertiles, reward and KL are in the sections shared with
 * PPO), {@code reward-kl} (reward and KL over steps, and the reward-vs-KL frontier), {@code win-rates},
 * {@code samples} (continuations side by side) and {@code files}.
 * Every number comes from the run's files; a quantity that was not measured is said to be missing, never
 * invented.
 */
public final class Report {

    /** Section ids, in page order (the tests check them all). */
    public static final List<String> SECTIONS = List.of("setup", "summary", "gradient-alignment", "tertiles",
            "likelihood", "dpo-weights", "group", "reward-kl", "win-rates", "samples", "files");

    private Report() {
    }

    /** The runs of a run directory or a demo directory, in the demo's order. */
    public static List<RunData> loadRuns(Path directory) {
        Path runs = directory.resolve("runs");
        List<RunData> loaded = new ArrayList<>();
        if (Files.isDirectory(runs)) {
            List<String> order = new ArrayList<>();
            Path top = directory.resolve("config.json");
            if (Files.exists(top) && RunDirectory.readJson(top).get("runs") instanceof List<?> names) {
                for (Object name : names) {
                    order.add(String.valueOf(name));
                }
            } else {
                try (Stream<Path> children = Files.list(runs)) {
                    children.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted()
                            .forEach(order::add);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot list " + runs + ": " + e.getMessage(), e);
                }
            }
            for (String name : order) {
                Path run = runs.resolve(fileName(name));
                if (Files.exists(run.resolve("config.json"))) {
                    loaded.add(RunData.load(run));
                }
            }
        } else if (Files.exists(directory.resolve("config.json"))) {
            loaded.add(RunData.load(directory));
        }
        if (loaded.isEmpty()) {
            throw new UserError(directory + " holds no run (no config.json, and no runs/*/config.json)");
        }
        return loaded;
    }

    /** A run name as a file name: {@code dpo/standard} → {@code dpo-standard}. */
    public static String fileName(String runName) {
        return runName.replaceAll("[^A-Za-z0-9._-]+", "-");
    }

    /** Last minus first value (NaN with fewer than two). */
    public static double change(double[] values) {
        return values.length < 2 ? Double.NaN : values[values.length - 1] - values[0];
    }

    /**
     * Writes {@code report.html} and {@code plots/*.png} into {@code directory}.
     *
     * @return the report file
     */
    public static Path write(Path directory) {
        List<RunData> runs = loadRuns(directory);
        Path topConfig = directory.resolve("config.json");
        Map<String, Object> top = Files.exists(topConfig) ? RunDirectory.readJson(topConfig) : Map.of();
        boolean demo = "demo".equals(top.get("kind"));
        Path plots = directory.resolve("plots");
        Html html = new Html();
        html.head(demo ? "prefdyn demo report" : "prefdyn run report: " + runs.get(0).name());

        setup(html, top, runs, demo);
        summary(html, runs);
        gradientAlignment(html, runs, plots);
        tertiles(html, runs, plots);
        likelihood(html, runs, plots);
        dpoWeights(html, runs, plots);
        group(html, runs, plots);
        rewardKl(html, runs, plots);
        winRates(html, runs, plots);
        samples(html, runs);
        files(html, runs, directory, demo);
        html.raw("<footer>Written by prefdyn " + Html.escape(Version.get()) + " on " + Instant.now()
                + ".</footer>\n</main></body></html>\n");
        Path report = directory.resolve("report.html");
        RunDirectory.writeAtomically(report, html.toString());
        return report;
    }

    // ------------------------------------------------------------------ sections

    private static void setup(Html html, Map<String, Object> top, List<RunData> runs, boolean demo) {
        html.section("setup", "What ran");
        if (demo) {
            html.raw("<p class=\"warning\"><b>Demo size.</b> " + Html.escape(String.valueOf(top.getOrDefault(
                    "size_note", ""))) + "</p>\n");
            if (top.get("sizes") instanceof Map<?, ?> sizes) {
                html.raw("<table class=\"kv\">\n");
                for (Map.Entry<?, ?> entry : sizes.entrySet()) {
                    Object value = entry.getValue();
                    html.raw("<tr><th>" + Html.escape(String.valueOf(entry.getKey())) + "</th><td>"
                            + Html.escape(value instanceof String text ? text : JsonFiles.write(value))
                            + "</td></tr>\n");
                }
                html.raw("</table>\n");
            }
            if (top.get("timing") instanceof Map<?, ?> timing) {
                List<String> parts = new ArrayList<>();
            Map<String, String> shown = new LinkedHashMap<>(); // report_s and total_s are known only afterwards
            shown.put("pairs_s", "pairs and start-model samples");
            shown.put("runs_s", "the runs (both passes, evaluation)");
            shown.put("total_before_report_s", "total before the report");
            for (Map.Entry<String, String> entry : shown.entrySet()) {
                if (timing.get(entry.getKey()) != null) {
                    parts.add(entry.getValue() + " " + timing.get(entry.getKey()) + " s");
                }
            }
            html.raw("<p>Wall-clock time on " + Html.escape(String.valueOf(top.getOrDefault("machine", "this machine")))
                    + ": " + Html.escape(String.join(", ", parts)) + ".</p>\n");
            }
        }
        html.raw("<p>" + Html.escape(engineSentence(runs.get(0).setting("engine"))) + "</p>\n");
        html.raw("<p>Model: start checkpoint <code>" + Html.escape(runs.get(0).setting("checkpoint"))
                + "</code> (also the frozen reference). Training reward: " + Html.escape(ImdbTask.REWARD_NAME)
                + ". Judge: " + Html.escape(ImdbTask.JUDGE_NAME) + ".</p>\n");
        html.raw("<table>\n<tr><th>run</th><th>objective</th><th>variant</th><th>steps</th><th>batch</th>"
                + "<th>lr</th><th>loss</th><th>β (DPO)</th><th>β<sub>KL</sub> (PPO, GRPO, RLOO)</th><th>G every</th>"
                + "<th>|D′|</th><th>seed</th><th>engine</th></tr>\n");
        for (RunData run : runs) {
            boolean dpo = "dpo".equals(run.objective());
            boolean group = isGroup(run);
            html.raw("<tr><td>" + Html.escape(run.name()) + "</td><td>" + run.setting("objective") + "</td><td>"
                    + Html.escape(run.setting("variant")) + "</td><td>" + run.setting("steps") + "</td><td>"
                    + run.setting("batch") + "</td><td>" + run.setting("learning_rate") + "</td><td>"
                    + Html.escape(lossName(run)) + "</td><td>"
                    + (dpo ? run.setting("beta") : "—") + "</td><td>"
                    + (dpo ? "—" : run.setting(group ? "kl_beta" : "kl_coef"))
                    + "</td><td>" + run.setting("measure_every") + "</td><td>" + run.setting("final_prompts")
                    + "</td><td>" + run.setting("seed") + "</td><td>" + run.setting("engine") + "</td></tr>\n");
        }
        html.raw("</table>\n");
        html.raw("<p class=\"note\">G(L; θ(t)) = Ê<sub>D′</sub>[−∇log π(y′|x′; θ(t))]ᵀ ∇L(D<sub>t</sub>; θ(t)), "
                + "measured by replaying the run from its seed (bit-identical, checked by parameter fingerprints). "
                + "D′ = greedy responses of the final policy on held-out IMDb openings. G &gt; 0: the step moves "
                + "toward the final responses (a stable, supervised-like target); near zero or changing sign: "
                + "exploration. Positive learning = the chosen-response terms (DPO) or tokens with Â &gt; 0 (PPO, "
                + "GRPO, RLOO); negative learning = the rejected terms or Â &lt; 0. A GRPO/RLOO run's batch counts "
                + "completions (G per prompt).</p>\n");
        html.end();
    }

    private static void summary(Html html, List<RunData> runs) {
        html.section("summary", "Variants at a glance");
        html.raw("<table>\n<tr><th>run</th><th>win rate vs start<br>(AFINN judge, 95% CI)</th>"
                + "<th>reward (NB)<br>final, 95% CI</th><th>judge (AFINN)<br>final</th><th>KL(π‖π<sub>ref</sub>)"
                + "<br>final</th><th>mean G</th><th>steps with G&gt;0</th><th>mean G⁺</th><th>mean G⁻</th>"
                + "<th>Δ lp⁺ train</th><th>Δ lp⁻ train</th></tr>\n");
        for (RunData run : runs) {
            double[] g = run.dynamics("G/total");
            html.raw("<tr><td>" + Html.escape(run.name()) + "</td><td>" + interval(run, "win_rate") + "</td><td>"
                    + interval(run, "reward") + "</td><td>" + Html.number(run.evaluation("judge", "value"))
                    + "</td><td>" + Html.number(run.evaluation("kl", null)) + "</td><td>" + Html.number(mean(g))
                    + "</td><td>" + fractionPositive(g) + "</td><td>" + Html.number(mean(run.dynamics("G/positive")))
                    + "</td><td>" + Html.number(mean(run.dynamics("G/negative"))) + "</td><td>"
                    + Html.number(change(run.dynamics("train/logps/chosen"))) + "</td><td>"
                    + Html.number(change(run.dynamics("train/logps/rejected"))) + "</td></tr>\n");
        }
        html.raw("</table>\n");
        RunData first = runs.get(0);
        if (first.evaluation() != null) {
            html.raw("<p>The start model on the same prompts: reward (NB) " + interval(first, "start_reward")
                    + ", judge (AFINN) " + interval(first, "start_judge") + ", over "
                    + Html.number(first.evaluation("prompts", null)) + " held-out prompts. Win rate: 1 for a higher "
                    + "judge score than the start model's continuation of the same prompt, ½ for a tie, 0 for a lower "
                    + "one; an unchanged policy scores exactly ½. G statistics are over the measured steps "
                    + "(t = 0, k, 2k, … and T); Δ lp is the change of the mean sequence log-prob of the probe's "
                    + "training pairs from θ(0) to θ(T).</p>\n");
        } else {
            html.raw("<p>No evaluation yet: run <code>prefdyn analyze</code> on this directory.</p>\n");
        }
        html.end();
    }

    private static void gradientAlignment(Html html, List<RunData> runs, Path plots) {
        html.section("gradient-alignment", "Gradient alignment G(t): total, positive and negative learning");
        html.raw("<p>By linearity G(total) = G(positive) + G(negative) at every step (checked to 1e-10 in the "
                + "reference's tests).</p>\n<div class=\"grid\">\n");
        for (RunData run : runs) {
            XYChart chart = Plots.chart(run.name() + ": G(t)", "step t", "G");
            double[] steps = run.dynamicsSteps();
            boolean any = Plots.line(chart, "total", steps, run.dynamics("G/total"), false);
            any |= Plots.line(chart, "positive learning", steps, run.dynamics("G/positive"), true);
            any |= Plots.line(chart, "negative learning", steps, run.dynamics("G/negative"), true);
            figure(html, chart, any, plots, "g-" + fileName(run.name()), run.name() + ": G(t)");
        }
        XYChart cosine = Plots.chart("cos(g′, ∇L) across variants", "step t", "cosine");
        boolean any = false;
        for (RunData run : runs) {
            any |= Plots.line(cosine, run.name(), run.dynamicsSteps(), run.dynamics("G/cosine/total"), false);
        }
        figure(html, cosine, any, plots, "g-cosine", "cosine between the target gradient and the update, all runs");
        html.raw("</div>\n");
        html.end();
    }

    private static void tertiles(Html html, List<RunData> runs, Path plots) {
        html.section("tertiles", "Loss reweighting: G of each tertile");
        html.raw("<p>DPO: pairs split by their weight ω (σ(−h) for the sigmoid loss; each loss's own ω, see "
                + "below) into bottom, middle and top thirds of each batch. PPO, GRPO, RLOO: response tokens split "
                + "by |Â|. The three parts add up to G(total).</p>\n<div class=\"grid\">\n");
        for (RunData run : runs) {
            XYChart chart = Plots.chart(run.name() + ": G by "
                    + ("dpo".equals(run.objective()) ? "ω" : "|Â|") + " tertile", "step t", "G");
            double[] steps = run.dynamicsSteps();
            boolean any = Plots.line(chart, "bottom", steps, run.dynamics("G/tertile/bottom"), false);
            any |= Plots.line(chart, "middle", steps, run.dynamics("G/tertile/middle"), false);
            any |= Plots.line(chart, "top", steps, run.dynamics("G/tertile/top"), false);
            figure(html, chart, any, plots, "tertiles-" + fileName(run.name()), run.name() + ": G by tertile");
        }
        html.raw("</div>\n");
        html.end();
    }

    private static void likelihood(Html html, List<RunData> runs, Path plots) {
        html.section("likelihood", "Likelihood displacement: lp⁺ and lp⁻ on train and held-out pairs");
        html.raw("<p>Mean sequence log-probability of the chosen (lp⁺) and rejected (lp⁻) responses of fixed pair "
                + "sets, at each measured step. Both falling while their gap grows is likelihood displacement.</p>\n"
                + "<div class=\"grid\">\n");
        for (RunData run : runs) {
            XYChart chart = Plots.chart(run.name() + ": lp⁺ / lp⁻", "step t", "mean log-prob");
            double[] steps = run.dynamicsSteps();
            boolean any = Plots.line(chart, "lp⁺ train", steps, run.dynamics("train/logps/chosen"), false);
            any |= Plots.line(chart, "lp⁻ train", steps, run.dynamics("train/logps/rejected"), false);
            any |= Plots.line(chart, "lp⁺ held-out", steps, run.dynamics("heldout/logps/chosen"), true);
            any |= Plots.line(chart, "lp⁻ held-out", steps, run.dynamics("heldout/logps/rejected"), true);
            figure(html, chart, any, plots, "likelihood-" + fileName(run.name()), run.name() + ": lp⁺/lp⁻");
        }
        html.raw("</div>\n");
        html.end();
    }

    private static void dpoWeights(Html html, List<RunData> runs, Path plots) {
        html.section("dpo-weights", "DPO-family losses: the reweighting ω and the coefficients λ⁺, λ⁻");
        List<RunData> dpo = runs.stream().filter(run -> "dpo".equals(run.objective())).toList();
        if (dpo.isEmpty()) {
            html.raw("<p>No DPO-family run here.</p>\n");
            html.end();
            return;
        }
        html.raw("<p>Every loss of the DPO family is written as ∂ℓ/∂lp⁺ = −β·ω·λ⁺ and ∂ℓ/∂lp⁻ = +β·ω·λ⁻ "
                + "(docs/paper-map.md, \"Objectives\"): ω is the loss's reweighting of a pair (σ(−h) for sigmoid), "
                + "λ± the weights of positive and negative learning: the variant's, times 1/|y±| for IPO and SimPO; "
                + "APO-zero and NCA-pair, sums of a y⁺ and a y⁻ term, put the mean of their two weights in ω and "
                + "each side's share in λ± (NCA's λ⁺ may turn negative). The values are the batch means of <code>omega/mean</code>, "
                + "<code>lambda/positive</code> and <code>lambda/negative</code> in <code>metrics.jsonl</code>.</p>\n");
        html.raw("<table>\n<tr><th>run</th><th>loss</th><th>ω at t = 0</th><th>ω last</th><th>mean ω</th>"
                + "<th>mean λ⁺</th><th>mean λ⁻</th></tr>\n");
        for (RunData run : dpo) {
            double[] omega = run.metric("omega/mean");
            html.raw("<tr><td>" + Html.escape(run.name()) + "</td><td>" + Html.escape(lossName(run)) + "</td><td>"
                    + Html.number(omega.length == 0 ? Double.NaN : omega[0]) + "</td><td>"
                    + Html.number(omega.length == 0 ? Double.NaN : omega[omega.length - 1]) + "</td><td>"
                    + Html.number(mean(omega)) + "</td><td>" + Html.number(mean(run.metric("lambda/positive")))
                    + "</td><td>" + Html.number(mean(run.metric("lambda/negative"))) + "</td></tr>\n");
        }
        html.raw("</table>\n<div class=\"grid\">\n");
        for (RunData run : dpo) {
            XYChart chart = Plots.chart(run.name() + ": ω and λ± over steps", "step t", "weight");
            double[] steps = run.metricSteps();
            boolean any = Plots.line(chart, "mean ω", steps, run.metric("omega/mean"), false);
            any |= Plots.line(chart, "λ⁺", steps, run.metric("lambda/positive"), true);
            any |= Plots.line(chart, "λ⁻", steps, run.metric("lambda/negative"), true);
            figure(html, chart, any, plots, "weights-" + fileName(run.name()), run.name() + ": ω and λ±");
        }
        html.raw("</div>\n");
        html.end();
    }

    private static void group(Html html, List<RunData> runs, Path plots) {
        html.section("group", "Group objectives (GRPO, RLOO): advantages by group, no critic");
        List<RunData> group = runs.stream().filter(Report::isGroup).toList();
        if (group.isEmpty()) {
            html.raw("<p>No GRPO or RLOO run here.</p>\n");
            html.end();
            return;
        }
        html.raw("<p>G completions per prompt; GRPO's advantage is the reward's distance from its group's mean "
                + "(scaled by the group's std unless <code>scale_rewards</code> is none), RLOO's the distance from "
                + "the mean of the other G − 1 (docs/paper-map.md, \"GRPO and RLOO\"). Tokens with Â &gt; 0 are "
                + "positive learning, as for PPO: their G, tertiles, reward and KL are in the sections above and "
                + "below. Means over the training steps of TRL's metrics in <code>metrics.jsonl</code>: "
                + "<code>frac_reward_zero_std</code> (groups whose completions all scored alike: GRPO gives their "
                + "tokens advantage 0), <code>clip_ratio/region_mean</code>, and prefdyn's "
                + "<code>group/positive_token_fraction</code>.</p>\n");
        html.raw("<table>\n<tr><th>run</th><th>G</th><th>loss</th><th>β<sub>KL</sub></th><th>ε, ε<sub>high</sub>"
                + "</th><th>reward first → last</th><th>frac_reward_zero_std</th><th>clip_ratio/region_mean</th>"
                + "<th>positive token fraction</th><th>mean λ⁺, λ⁻</th><th>mean completion length</th></tr>\n");
        for (RunData run : group) {
            double[] reward = run.metric("reward");
            boolean adaptive = Boolean.TRUE.equals(run.config().get("adaptive_clipping"));
            html.raw("<tr><td>" + Html.escape(run.name()) + "</td><td>" + run.setting("num_generations")
                    + "</td><td>" + Html.escape(lossName(run)) + "</td><td>" + run.setting("kl_beta") + "</td><td>"
                    + (adaptive ? "BAPO adaptive" + bapoTarget(run) : run.setting("epsilon") + ", "
                    + run.setting("epsilon_high"))
                    + "</td><td>" + Html.number(reward.length == 0 ? Double.NaN : reward[0]) + " → "
                    + Html.number(reward.length == 0 ? Double.NaN : reward[reward.length - 1]) + "</td><td>"
                    + Html.number(mean(run.metric("frac_reward_zero_std"))) + "</td><td>"
                    + Html.number(mean(run.metric("clip_ratio/region_mean"))) + "</td><td>"
                    + Html.number(mean(run.metric("group/positive_token_fraction"))) + "</td><td>"
                    + Html.number(mean(run.metric("group/lambda_positive"))) + ", "
                    + Html.number(mean(run.metric("group/lambda_negative"))) + "</td><td>"
                    + Html.number(mean(run.metric("completions/mean_length"))) + "</td></tr>\n");
        }
        html.raw("</table>\n<div class=\"grid\">\n");
        for (RunData run : group) {
            XYChart chart = Plots.chart(run.name() + ": group reward and its spread", "step t", "reward");
            double[] steps = run.metricSteps();
            boolean any = Plots.line(chart, "mean reward", steps, run.metric("reward"), false);
            any |= Plots.line(chart, "reward std", steps, run.metric("reward_std"), true);
            figure(html, chart, any, plots, "group-" + fileName(run.name()), run.name() + ": reward per step");
        }
        html.raw("</div>\n");
        html.end();
    }

    private static boolean isGroup(RunData run) {
        return "grpo".equals(run.objective()) || "rloo".equals(run.objective());
    }

    /**
     * The run's loss as config.json names it: DPO's loss type (with ε, γ or BPO's α), GRPO's aggregation, RLOO's,
     * PPO's surrogate (with BAPO's adaptive bounds when on).
     */
    private static String lossName(RunData run) {
        return switch (run.objective()) {
            case "dpo" -> run.setting("loss_type")
                    + (run.config().containsKey("label_smoothing") ? ", ε " + run.setting("label_smoothing") : "")
                    + (run.config().containsKey("simpo_gamma") ? ", γ " + run.setting("simpo_gamma") : "")
                    + (run.config().containsKey("bpo_alpha") ? ", α " + run.setting("bpo_alpha") : "");
            case "grpo" -> run.setting("grpo_loss_type") + ", scale " + run.setting("scale_rewards");
            case "rloo" -> "sequence-level"
                    + (Boolean.TRUE.equals(run.config().get("normalize_advantages")) ? ", normalized" : "");
            case "ppo" -> "clipped surrogate"
                    + (Boolean.TRUE.equals(run.config().get("adaptive_clipping")) ? ", BAPO adaptive" + bapoTarget(run)
                    : "");
            default -> "—";
        };
    }

    /** ", ρ₀ x" for a run that recorded BAPO's target share (runs before the option recorded none: ½). */
    private static String bapoTarget(RunData run) {
        return run.config().containsKey("bapo_target") ? ", ρ₀ " + run.setting("bapo_target") : "";
    }

    private static void rewardKl(Html html, List<RunData> runs, Path plots) {
        html.section("reward-kl", "Reward and KL over training, and the reward-vs-KL frontier");
        html.raw("<p>At each measured step the sample probe continues the same held-out prompts with the same random "
                + "numbers (temperature 1) and reports the mean training reward (NB log-odds) and KL(π‖π<sub>ref"
                + "</sub>) ≈ mean(lp<sub>π</sub> − lp<sub>ref</sub>) over those samples.</p>\n<div class=\"grid\">\n");
        XYChart reward = Plots.chart("reward (NB) of samples over steps", "step t", "mean reward");
        XYChart kl = Plots.chart("KL to the reference over steps", "step t", "KL (nats)");
        XYChart frontier = Plots.chart("reward vs KL (each point a measured step)", "KL (nats)", "mean reward");
        boolean anyReward = false;
        boolean anyKl = false;
        boolean anyFrontier = false;
        for (RunData run : runs) {
            anyReward |= Plots.line(reward, run.name(), run.dynamicsSteps(), run.dynamics("samples/reward"), false);
            anyKl |= Plots.line(kl, run.name(), run.dynamicsSteps(), run.dynamics("samples/kl"), false);
            anyFrontier |= Plots.line(frontier, run.name(), run.dynamics("samples/kl"), run.dynamics("samples/reward"),
                    false);
        }
        figure(html, reward, anyReward, plots, "reward", "reward over steps");
        figure(html, kl, anyKl, plots, "kl", "KL over steps");
        figure(html, frontier, anyFrontier, plots, "frontier", "reward-vs-KL frontier");
        html.raw("</div>\n");
        html.end();
    }

    private static void winRates(Html html, List<RunData> runs, Path plots) {
        html.section("win-rates", "Win rates against the start model");
        XYChart chart = Plots.chart("win rate vs start model (AFINN judge), 95% CI", "run (see legend)", "win rate");
        boolean any = false;
        for (int i = 0; i < runs.size(); i++) {
            RunData run = runs.get(i);
            double value = run.evaluation("win_rate", "value");
            if (Double.isFinite(value)) {
                Plots.interval(chart, run.name(), i, run.evaluation("win_rate", "lower"), value,
                        run.evaluation("win_rate", "upper"), Plots.PALETTE[i % Plots.PALETTE.length]);
                any = true;
            }
        }
        if (any) {
            Plots.horizontal(chart, "no change (1/2)", 0.5, -0.5, runs.size() - 0.5);
            chart.setCustomXAxisTickLabelsFormatter(x -> "");
            chart.getStyler().setYAxisMin(0.0);
            chart.getStyler().setYAxisMax(1.0);
            chart.getStyler().setXAxisMin(-0.5);
            chart.getStyler().setXAxisMax(runs.size() - 0.5);
        }
        html.raw("<div class=\"grid\">\n");
        figure(html, chart, any, plots, "winrate", "win rates with 95% bootstrap intervals");
        html.raw("</div>\n<table>\n<tr><th>run</th><th>win rate</th><th>95% CI</th><th>prompts</th>"
                + "<th>mean length (bytes)</th></tr>\n");
        for (RunData run : runs) {
            html.raw("<tr><td>" + Html.escape(run.name()) + "</td><td>" + Html.number(run.evaluation("win_rate", "value"))
                    + "</td><td>[" + Html.number(run.evaluation("win_rate", "lower")) + ", "
                    + Html.number(run.evaluation("win_rate", "upper")) + "]</td><td>"
                    + Html.number(run.evaluation("prompts", null)) + "</td><td>"
                    + Html.number(run.evaluation("mean_length_bytes", null)) + "</td></tr>\n");
        }
        html.raw("</table>\n");
        html.end();
    }

    private static void samples(Html html, List<RunData> runs) {
        html.section("samples", "Samples: the start model and each policy on the same held-out openings");
        for (RunData run : runs) {
            html.raw("<h3>" + Html.escape(run.name()) + "</h3>\n");
            if (run.samples().isEmpty()) {
                html.raw("<p>No samples: run <code>prefdyn analyze</code> on this run.</p>\n");
                continue;
            }
            html.raw("<table class=\"samples\">\n<tr><th>prompt</th><th>start model</th><th>policy</th></tr>\n");
            for (Map<String, Object> line : run.samples().subList(0, Math.min(3, run.samples().size()))) {
                html.raw("<tr><td>" + Html.escape(String.valueOf(line.get("prompt"))) + "</td><td>"
                        + Html.escape(String.valueOf(line.get("start"))) + "<br><span class=\"score\">judge "
                        + Html.number(number(line.get("start_judge"))) + ", reward "
                        + Html.number(number(line.get("start_reward"))) + "</span></td><td>"
                        + Html.escape(String.valueOf(line.get("policy"))) + "<br><span class=\"score\">judge "
                        + Html.number(number(line.get("policy_judge"))) + ", reward "
                        + Html.number(number(line.get("policy_reward"))) + "</span></td></tr>\n");
            }
            html.raw("</table>\n");
        }
        html.end();
    }

    private static void files(Html html, List<RunData> runs, Path directory, boolean demo) {
        html.section("files", "Files");
        html.raw("<p>Every number above is read from these files. <code>dynamics.jsonl</code> has one line per measured "
                + "step: <code>G/total</code>, <code>G/positive</code>, <code>G/negative</code>, "
                + "<code>G/tertile/*</code>, <code>G/group/&lt;layer group&gt;/*</code>, <code>G/cosine/*</code>, "
                + "<code>grad_norm/*</code>, <code>target/nll</code>, <code>theta/fingerprint</code>, the batch "
                + "statistics and the probes (<code>train/…</code>, <code>heldout/…</code>, <code>samples/…</code>). "
                + "<code>metrics.jsonl</code> has TRL's per-step metrics.</p>\n<ul>\n");
        if (demo) {
            html.raw("<li><a href=\"config.json\">config.json</a> (the demo's settings)</li>\n");
        }
        for (RunData run : runs) {
            String prefix = directory.relativize(run.directory()).toString().replace('\\', '/');
            prefix = prefix.isEmpty() ? "" : prefix + "/";
            html.raw("<li>" + Html.escape(run.name()) + ": ");
            List<String> links = new ArrayList<>();
            for (String file : List.of("config.json", "metrics.jsonl", "dynamics.jsonl", "final_responses.jsonl",
                    "evaluation.json", "samples.jsonl", "final-model/config.json")) {
                if (Files.exists(run.directory().resolve(file))) {
                    links.add("<a href=\"" + Html.escape(prefix + file) + "\">" + Html.escape(file) + "</a>");
                }
            }
            html.raw(String.join(", ", links) + "</li>\n");
        }
        html.raw("</ul>\n");
        html.end();
    }

    // ------------------------------------------------------------------ helpers

    private static void figure(Html html, XYChart chart, boolean hasData, Path plots, String name, String caption) {
        if (!hasData) {
            html.raw("<figure class=\"missing\"><figcaption>" + Html.escape(caption)
                    + ": not measured in this run</figcaption></figure>\n");
            return;
        }
        Plots.write(chart, plots.resolve(name + ".png"));
        html.raw("<figure><img src=\"plots/" + Html.escape(name) + ".png\" width=\"" + Plots.WIDTH + "\" height=\""
                + Plots.HEIGHT + "\" alt=\"" + Html.escape(caption) + "\"><figcaption>" + Html.escape(caption)
                + "</figcaption></figure>\n");
    }

    private static String interval(RunData run, String key) {
        double value = run.evaluation(key, "value");
        if (!Double.isFinite(value)) {
            return "not measured";
        }
        return Html.number(value) + " [" + Html.number(run.evaluation(key, "lower")) + ", "
                + Html.number(run.evaluation(key, "upper")) + "]";
    }

    private static double number(Object value) {
        return value instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    public static double mean(double[] values) {
        double sum = 0;
        int n = 0;
        for (double value : values) {
            if (Double.isFinite(value)) {
                sum += value;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    private static String fractionPositive(double[] values) {
        int positive = 0;
        int n = 0;
        for (double value : values) {
            if (Double.isFinite(value)) {
                n++;
                positive += value > 0 ? 1 : 0;
            }
        }
        return n == 0 ? "not measured" : positive + "/" + n;
    }

    /** A minimal HTML builder with escaping and number formatting. */
    public static final class Html {
        private final StringBuilder text = new StringBuilder();

        public void head(String title) {
            text.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>")
                    .append(escape(title)).append("</title>\n<style>\n").append(CSS).append("</style></head>\n")
                    .append("<body><main>\n<h1>").append(escape(title)).append("</h1>\n");
        }

        public void section(String id, String title) {
            text.append("<section id=\"").append(id).append("\">\n<h2>").append(escape(title)).append("</h2>\n");
        }

        public void end() {
            text.append("</section>\n");
        }

        public void raw(String html) {
            text.append(html);
        }

        public static String escape(String value) {
            StringBuilder out = new StringBuilder(value.length());
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                switch (c) {
                    case '<' -> out.append("&lt;");
                    case '>' -> out.append("&gt;");
                    case '&' -> out.append("&amp;");
                    case '"' -> out.append("&quot;");
                    default -> out.append(c < 0x20 && c != '\n' && c != '\t' ? '\uFFFD' : c);
                }
            }
            return out.toString();
        }

        public static String number(double value) {
            if (!Double.isFinite(value)) {
                return "—";
            }
            if (value == Math.rint(value) && Math.abs(value) < 1e6) {
                return String.format(Locale.ROOT, "%d", (long) value);
            }
            double magnitude = Math.abs(value);
            if (magnitude != 0 && (magnitude < 1e-3 || magnitude >= 1e5)) {
                return String.format(Locale.ROOT, "%.3e", value);
            }
            return String.format(Locale.ROOT, "%.3f", value);
        }

        @Override
        public String toString() {
            return text.toString();
        }

        private static final String CSS = """
                body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1a1a1a; margin: 0; }
                main { max-width: 1320px; margin: 0 auto; padding: 16px 24px 48px; }
                h1 { font-size: 1.6em; margin-bottom: 0.2em; }
                h2 { font-size: 1.25em; border-bottom: 1px solid #ddd; padding-bottom: 4px; margin-top: 1.6em; }
                h3 { font-size: 1.05em; margin-bottom: 0.3em; }
                table { border-collapse: collapse; margin: 8px 0; font-size: 0.9em; }
                th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
                th { background: #f4f6f8; }
                table.kv th { width: 16em; }
                table.samples td { max-width: 380px; }
                .score { color: #666; font-size: 0.85em; }
                .warning { background: #fff6d6; border: 1px solid #e6c200; padding: 8px 12px; }
                .note { color: #444; font-size: 0.92em; }
                .grid { display: flex; flex-wrap: wrap; gap: 12px; }
                figure { margin: 0; }
                figure.missing { border: 1px dashed #bbb; padding: 12px; color: #777; }
                figcaption { font-size: 0.85em; color: #555; }
                footer { margin-top: 2em; color: #777; font-size: 0.85em; }
                code { background: #f4f6f8; padding: 0 3px; }
                """;
    }

    /** The engine the runs ran on, in words, and the flag that selects the float64 reference. */
    static String engineSentence(String engine) {
        return switch (engine) {
            case "vector" -> "Engine: vector (float32 on the CPU, Java Vector API); its numbers differ from the "
                    + "float64 reference's by float32 rounding. --engine reference runs the float64 reference.";
            case "accelerated" -> "Engine: accelerated (the float32 OpenCL twin). --engine reference runs the float64 "
                    + "reference.";
            case "reference" -> "Engine: reference (float64).";
            default -> "Engine: " + engine + ".";
        };
    }
}
